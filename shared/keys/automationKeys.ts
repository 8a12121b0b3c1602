import { accountFromRow, type Account, type AccountRow } from "../accounts/accounts";
import { CONNECT_CAPABILITIES, isCapability, type Capability } from "../capabilities";
import { sha256Hex } from "../crypto/sha256Hex";
import { timingSafeEqualText } from "../crypto/timingSafeEqualText";
import { generateAutomationKey, parseAutomationKey } from "./automationKey";

/** A key as listed: never its secret. */
export interface AutomationKeyInfo {
  id: string;
  accountId: number;
  name: string;
  capabilities: Capability[];
  /** May fire mutating actions with a plain GET (Stream Deck's open-URL button). */
  allowGet: boolean;
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
  created_at: number;
  last_used_at: number | null;
}

const fromRow = (r: KeyRow): AutomationKeyInfo => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  capabilities: (JSON.parse(r.capabilities) as string[]).filter(isCapability),
  allowGet: r.allow_get === 1,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

/** The `automation_keys` table (migrations/0001). */
export const automationKeys = {
  /** Makes a key; the returned `key` is the only time its secret exists outside the caller. */
  async create(
    db: D1Database,
    k: { accountId: number; name: string; capabilities: readonly Capability[]; allowGet?: boolean; now: number },
  ) {
    const { id, secret, key } = generateAutomationKey();
    const capabilities = k.capabilities.length ? [...new Set(k.capabilities)] : CONNECT_CAPABILITIES;
    await db
      .prepare(
        "INSERT INTO automation_keys (id, account_id, name, secret_hash, capabilities, allow_get, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .bind(id, k.accountId, k.name, await sha256Hex(secret), JSON.stringify(capabilities), k.allowGet ? 1 : 0, k.now)
      .run();
    return {
      key,
      info: {
        id,
        accountId: k.accountId,
        name: k.name,
        capabilities,
        allowGet: Boolean(k.allowGet),
        createdAt: k.now,
        lastUsedAt: null,
      } satisfies AutomationKeyInfo,
    };
  },

  async list(db: D1Database, accountId: number): Promise<AutomationKeyInfo[]> {
    const { results } = await db
      .prepare("SELECT * FROM automation_keys WHERE account_id = ? AND revoked_at IS NULL ORDER BY created_at")
      .bind(accountId)
      .all<KeyRow>();
    return results.map(fromRow);
  },

  /** True when a live key of that account was revoked. */
  async revoke(db: D1Database, accountId: number, id: string, now: number): Promise<boolean> {
    const result = await db
      .prepare("UPDATE automation_keys SET revoked_at = ? WHERE id = ? AND account_id = ? AND revoked_at IS NULL")
      .bind(now, id, accountId)
      .run();
    return result.meta.changes === 1;
  },

  /**
   * The key's info (and its account) when `presented` is a live key, in one query; the secret's
   * hash is compared in constant time. "Last used" is kept to the minute; hand `defer` a
   * waitUntil so that write is off the hot path.
   */
  async verify(
    db: D1Database,
    presented: string,
    now: number,
    defer: (work: Promise<unknown>) => void = (w) => void w,
  ): Promise<(AutomationKeyInfo & { account: Account }) | null> {
    const parts = parseAutomationKey(presented);
    if (!parts) return null;
    const row = await db
      .prepare(
        `SELECT a.*, k.id AS key_id, k.account_id, k.name AS key_name, k.secret_hash, k.capabilities, k.allow_get, k.created_at, k.last_used_at
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
      ...fromRow({ ...row, id: row.key_id, name: row.key_name }),
      lastUsedAt: now,
      account: accountFromRow(row),
    };
  },
};
