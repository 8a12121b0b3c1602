/** A connected Kick account as the status page and the other Workers see it (no tokens here). */
export interface Account {
  id: number;
  username: string;
  role: "broadcaster" | "bot";
  scopes: string[];
  tokenExpiresAt: number | null;
  connectedAt: number;
  lastRefreshAt: number | null;
  needsReconnect: boolean;
  reconnectReason: string | null;
}

export interface AccountRow {
  id: number;
  username: string;
  role: "broadcaster" | "bot";
  scopes: string;
  token_expires_at: number | null;
  connected_at: number;
  last_refresh_at: number | null;
  needs_reconnect: number;
  reconnect_reason: string | null;
}

export const accountFromRow = (r: AccountRow): Account => ({
  id: r.id,
  username: r.username,
  role: r.role,
  scopes: r.scopes.split(" ").filter(Boolean),
  tokenExpiresAt: r.token_expires_at,
  connectedAt: r.connected_at,
  lastRefreshAt: r.last_refresh_at,
  needsReconnect: r.needs_reconnect === 1,
  reconnectReason: r.reconnect_reason,
});

/** The `accounts` table (migrations/0001). */
export const accounts = {
  /** Records a (re)connection: fresh scopes and expiry, and any "needs re-connect" cleared. */
  async connect(
    db: D1Database,
    a: { id: number; username: string; role: Account["role"]; scopes: string[]; tokenExpiresAt: number; now: number },
  ) {
    await db
      .prepare(
        `INSERT INTO accounts (id, username, role, scopes, token_expires_at, connected_at, needs_reconnect, reconnect_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, NULL)
         ON CONFLICT (id) DO UPDATE SET username = ?2, role = ?3, scopes = ?4, token_expires_at = ?5, connected_at = ?6, needs_reconnect = 0, reconnect_reason = NULL`,
      )
      .bind(a.id, a.username, a.role, a.scopes.join(" "), a.tokenExpiresAt, a.now)
      .run();
  },

  async get(db: D1Database, id: number): Promise<Account | null> {
    const row = await db.prepare("SELECT * FROM accounts WHERE id = ?").bind(id).first<AccountRow>();
    return row ? accountFromRow(row) : null;
  },

  async list(db: D1Database): Promise<Account[]> {
    const { results } = await db.prepare("SELECT * FROM accounts ORDER BY role, username").all<AccountRow>();
    return results.map(accountFromRow);
  },

  /** Removes the account, its keys and its token record (tokens are revoked at Kick first, by the caller). */
  async remove(db: D1Database, id: number): Promise<void> {
    await db.batch([
      db.prepare("DELETE FROM automation_keys WHERE account_id = ?").bind(id),
      db.prepare("DELETE FROM token_records WHERE account_id = ?").bind(id),
      db.prepare("DELETE FROM accounts WHERE id = ?").bind(id),
    ]);
  },
};
