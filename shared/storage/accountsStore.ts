import { isCapability, type Capability } from "../capabilities";
import { sha256Hex, timingSafeEqualText } from "../crypto";
import { generateAutomationKey, parseAutomationKey } from "../keys/automationKey";
import { deleteTokenRecordStatement } from "./tokenStore";

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

export const accountFromRow = (row: AccountRow): Account => ({
  id: row.id,
  username: row.username,
  role: row.role,
  scopes: row.scopes.split(" ").filter(Boolean),
  tokenExpiresAt: row.token_expires_at,
  connectedAt: row.connected_at,
  lastRefreshAt: row.last_refresh_at,
  needsReconnect: row.needs_reconnect === 1,
  reconnectReason: row.reconnect_reason,
});

/** The same read as `accounts.get`, for a caller that batches it with other statements (one round trip). */
export const accountStatement = (db: D1Database, id: number): D1PreparedStatement =>
  db.prepare("SELECT * FROM accounts WHERE id = ?").bind(id);

/** The account an `accountStatement` result holds, if any. */
export const accountFromResult = (result: D1Result<unknown>): Account | null => {
  const row = result.results[0] as AccountRow | undefined;
  return row ? accountFromRow(row) : null;
};

/** Every connected account (the crons, the status pages). */
export async function listAccounts(db: D1Database): Promise<Account[]> {
  const { results } = await db.prepare("SELECT * FROM accounts ORDER BY role, username").all<AccountRow>();
  return results.map(accountFromRow);
}

/** The bot account that speaks for this broadcaster (as=bot), if one is linked to it. */
export async function linkedBot(db: D1Database, broadcasterId: number): Promise<Account | null> {
  const row = await db
    .prepare("SELECT a.* FROM bot_links l JOIN accounts a ON a.id = l.bot_id WHERE l.broadcaster_id = ?")
    .bind(broadcasterId)
    .first<AccountRow>();
  return row ? accountFromRow(row) : null;
}

/** Which bot speaks for which broadcaster, as the pages show it. */
export interface BotLink {
  broadcasterId: number;
  botId: number;
}

// Each Worker imports only what it calls: the objects below gather what the oauth Worker (the
// writer) uses, and the functions beside them are what the other Workers need on their own.

/**
 * Who owns what here: the `accounts`, `automation_keys`, `bot_links` and `allowed_user_pins`
 * tables (migrations/0001, 0003, 0012). The refresh columns of `accounts` (token_expires_at,
 * last_refresh_at, needs_reconnect) are written by tokenStore, in the same batch as the token
 * record they describe.
 */
export const accounts = {
  /**
   * Records a (re)connection: fresh scopes and expiry, and any "needs re-connect" cleared. A bot
   * is linked to the broadcaster it `serves` in the same transaction, replacing that channel's
   * previous bot; the link is made only while that broadcaster is still connected.
   */
  async connect(
    db: D1Database,
    account: {
      id: number;
      username: string;
      role: Account["role"];
      scopes: string[];
      tokenExpiresAt: number;
      now: number;
      serves?: number;
    },
  ) {
    await db.batch([
      db
        .prepare(
          `INSERT INTO accounts (id, username, role, scopes, token_expires_at, connected_at, needs_reconnect, reconnect_reason)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, NULL)
           ON CONFLICT (id) DO UPDATE SET username = ?2, role = ?3, scopes = ?4, token_expires_at = ?5, connected_at = ?6, needs_reconnect = 0, reconnect_reason = NULL`,
        )
        .bind(
          account.id,
          account.username,
          account.role,
          account.scopes.join(" "),
          account.tokenExpiresAt,
          account.now,
        ),
      ...(account.serves === undefined
        ? []
        : [
            db
              .prepare(
                `INSERT INTO bot_links (broadcaster_id, bot_id, linked_at)
                 SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM accounts WHERE id = ?1 AND role = 'broadcaster')
                 ON CONFLICT (broadcaster_id) DO UPDATE SET bot_id = ?2, linked_at = ?3`,
              )
              .bind(account.serves, account.id, account.now),
          ]),
    ]);
  },

  /** Every bot link (a handful of rows: one per channel at most). */
  async botLinks(db: D1Database): Promise<BotLink[]> {
    const { results } = await db
      .prepare("SELECT broadcaster_id, bot_id FROM bot_links")
      .all<{ broadcaster_id: number; bot_id: number }>();
    return results.map((r) => ({ broadcasterId: r.broadcaster_id, botId: r.bot_id }));
  },

  async get(db: D1Database, id: number): Promise<Account | null> {
    const row = await accountStatement(db, id).first<AccountRow>();
    return row ? accountFromRow(row) : null;
  },

  list: listAccounts,

  /**
   * Removes the account, its keys, its token record and its bot links (tokens are revoked at Kick
   * first, by the caller). A broadcaster's bot stays connected, serving no channel until it is
   * connected again from a channel's page: it is another Kick account, not this one's to revoke.
   */
  async remove(db: D1Database, id: number): Promise<void> {
    await db.batch([
      db.prepare("DELETE FROM automation_keys WHERE account_id = ?").bind(id),
      db.prepare("DELETE FROM bot_links WHERE broadcaster_id = ?1 OR bot_id = ?1").bind(id),
      deleteTokenRecordStatement(db, id),
      db.prepare("DELETE FROM accounts WHERE id = ?").bind(id),
    ]);
  },
};

/**
 * ALLOWED_KICK_USERS' usernames, each pinned to the Kick user id that first connected under it,
 * because a username can be renamed and then taken by another account (migrations/0012).
 */
export const allowedUserPins = {
  /** The pins of these (lowercased) names, by name; pins of names no longer listed are dropped first. */
  async read(db: D1Database, names: string[]): Promise<Map<string, number>> {
    const listed = JSON.stringify(names);
    const [, pins] = await db.batch<{ username: string; user_id: number }>([
      db.prepare("DELETE FROM allowed_user_pins WHERE username NOT IN (SELECT value FROM json_each(?))").bind(listed),
      db.prepare("SELECT username, user_id FROM allowed_user_pins"),
    ]);
    return new Map(pins!.results.map((p) => [p.username, p.user_id]));
  },

  /** Pins `name` to `userId` unless it is pinned already; answers the id it is pinned to (the first wins a race). */
  async pin(db: D1Database, name: string, userId: number, now: number): Promise<number> {
    const row = await db
      .prepare(
        `INSERT INTO allowed_user_pins (username, user_id, pinned_at) VALUES (?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET user_id = user_id RETURNING user_id`,
      )
      .bind(name, userId, now)
      .first<{ user_id: number }>();
    return row!.user_id;
  },
};

/** A key as listed: never its secret. */
export interface AutomationKeyInfo {
  id: string;
  accountId: number;
  name: string;
  capabilities: Capability[];
  /** May fire mutating actions with a plain GET (Stream Deck's open-URL button). */
  allowGet: boolean;
  /** May be sent as `?key=` (callers that cannot set a header); other keys in a URL are refused. */
  allowUrl: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

interface KeyRow {
  id: string;
  account_id: number;
  name: string;
  secret_hash: string;
  capabilities: string;
  allow_get: number;
  allow_url: number;
  created_at: number;
  last_used_at: number | null;
}

const keyFromRow = (row: KeyRow): AutomationKeyInfo => ({
  id: row.id,
  accountId: row.account_id,
  name: row.name,
  capabilities: (JSON.parse(row.capabilities) as string[]).filter(isCapability),
  allowGet: row.allow_get === 1,
  allowUrl: row.allow_url === 1,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

/**
 * The key's info (and its account) when `presented` is a live key, in one query; the secret's
 * hash is compared in constant time. "Last used" is kept to the minute; hand `defer` a
 * waitUntil so that write is off the hot path.
 */
export async function verifyAutomationKey(
  db: D1Database,
  presented: string,
  now: number,
  defer: (work: Promise<unknown>) => void = (work) => void work,
): Promise<(AutomationKeyInfo & { account: Account }) | null> {
  const parts = parseAutomationKey(presented);
  if (!parts) return null;
  const row = await db
    .prepare(
      `SELECT a.*, k.id AS key_id, k.account_id, k.name AS key_name, k.secret_hash, k.capabilities, k.allow_get, k.allow_url, k.created_at, k.last_used_at
       FROM automation_keys k JOIN accounts a ON a.id = k.account_id WHERE k.id = ? AND k.revoked_at IS NULL`,
    )
    .bind(parts.id)
    .first<AccountRow & { key_id: string; key_name: string } & Omit<KeyRow, "id" | "name">>();
  const presentedHash = await sha256Hex(parts.secret);
  if (!row || !timingSafeEqualText(presentedHash, row.secret_hash)) return null;
  if (row.last_used_at === null || now - row.last_used_at >= 60_000) {
    defer(db.prepare("UPDATE automation_keys SET last_used_at = ? WHERE id = ?").bind(now, row.key_id).run());
  }
  return {
    ...keyFromRow({ ...row, id: row.key_id, name: row.key_name }),
    lastUsedAt: now,
    account: accountFromRow(row),
  };
}

/** Whether the account has a live overlay key: the subscription sync then asks Kick for what the alerts overlay shows. */
export async function hasOverlayKey(db: D1Database, accountId: number): Promise<boolean> {
  const row = await db
    .prepare(
      "SELECT 1 FROM automation_keys WHERE account_id = ? AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM json_each(capabilities) WHERE value = 'overlay') LIMIT 1",
    )
    .bind(accountId)
    .first();
  return row !== null;
}

export const automationKeys = {
  /** Makes a key; the returned `key` is the only time its secret exists outside the caller. */
  async create(
    db: D1Database,
    request: {
      accountId: number;
      name: string;
      capabilities: readonly Capability[];
      allowGet?: boolean;
      allowUrl?: boolean;
      now: number;
    },
  ) {
    // Never widen: a key with no capability is a caller's mistake, not a key that may do everything.
    if (!request.capabilities.length) throw new RangeError("an automation key needs at least one capability");
    const { id, secret, key } = generateAutomationKey();
    const capabilities = [...new Set(request.capabilities)];
    await db
      .prepare(
        "INSERT INTO automation_keys (id, account_id, name, secret_hash, capabilities, allow_get, allow_url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .bind(
        id,
        request.accountId,
        request.name,
        await sha256Hex(secret),
        JSON.stringify(capabilities),
        request.allowGet ? 1 : 0,
        request.allowUrl ? 1 : 0,
        request.now,
      )
      .run();
    return {
      key,
      info: {
        id,
        accountId: request.accountId,
        name: request.name,
        capabilities,
        allowGet: Boolean(request.allowGet),
        allowUrl: Boolean(request.allowUrl),
        createdAt: request.now,
        lastUsedAt: null,
      } satisfies AutomationKeyInfo,
    };
  },

  async list(db: D1Database, accountId: number): Promise<AutomationKeyInfo[]> {
    const { results } = await db
      .prepare("SELECT * FROM automation_keys WHERE account_id = ? AND revoked_at IS NULL ORDER BY created_at")
      .bind(accountId)
      .all<KeyRow>();
    return results.map(keyFromRow);
  },

  /** True when a live key of that account was revoked. */
  async revoke(db: D1Database, accountId: number, id: string, now: number): Promise<boolean> {
    const result = await db
      .prepare("UPDATE automation_keys SET revoked_at = ? WHERE id = ? AND account_id = ? AND revoked_at IS NULL")
      .bind(now, id, accountId)
      .run();
    return result.meta.changes === 1;
  },

  verify: verifyAutomationKey,
};
