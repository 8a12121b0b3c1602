import { keyRing, SealError, type EncryptionEnv } from "../tokens/encryptionKeys";
import { logError } from "../log";
import { resealed, seal, unseal } from "../tokens/seal";

/** What is kept for one connected Kick account. Only ever stored sealed. */
export interface TokenRecord {
  accountId: number;
  accessToken: string;
  refreshToken: string;
  /** ms since epoch when the access token expires. */
  expiresAt: number;
  scopes: string[];
  /** ms since epoch when these tokens were obtained. */
  obtainedAt: number;
  /** Bumped on every write; D1 fences writes with it, so a stale writer cannot win. */
  version: number;
}

export interface TokenStoreEnv extends EncryptionEnv {
  TOKENS: KVNamespace;
  DB: D1Database;
}

/** KV keys in TOKENS: an account's sealed record (a cache of token_records), and the app token. */
const kvKey = (accountId: number) => `token:${accountId}`;
const APP_TOKEN_KEY = "app-token";
const context = (accountId: number) => `kick-account:${accountId}`;

/** Opens a sealed record read elsewhere (e.g. returned by the refresh lease's UPDATE … RETURNING). */
export async function openSealedRecord(
  env: TokenStoreEnv,
  accountId: number,
  sealed: string,
): Promise<TokenRecord | null> {
  const record = JSON.parse(await unseal(await keyRing(env), sealed, context(accountId))) as TokenRecord;
  return record.accountId === accountId ? record : null;
}

/**
 * The one place token records are read and written; no other module touches token_records or
 * the token keys in TOKENS. Reads come from KV (fast, may be up to ~60 s stale elsewhere); D1
 * holds the authoritative copy and decides every write.
 */
export async function readTokenRecord(env: TokenStoreEnv, accountId: number): Promise<TokenRecord | null> {
  const sealed = await env.TOKENS.get(kvKey(accountId));
  if (sealed === null) return readAuthoritativeTokenRecord(env, accountId);
  try {
    return await openSealedRecord(env, accountId, sealed);
  } catch (error) {
    // A cached copy sealed under a key since dropped (a KV delete not yet everywhere, a put that
    // failed after D1's write): D1 holds the authoritative record.
    if (!(error instanceof SealError)) throw error;
    return readAuthoritativeTokenRecord(env, accountId);
  }
}

/** The newest record, from D1: what a reader falls back to when KV may be stale. */
export async function readAuthoritativeTokenRecord(env: TokenStoreEnv, accountId: number): Promise<TokenRecord | null> {
  const row = await env.DB.prepare("SELECT sealed FROM token_records WHERE account_id = ?")
    .bind(accountId)
    .first<{ sealed: string }>();
  return row ? openSealedRecord(env, accountId, row.sealed) : null;
}

/** Seals a record for D1 and KV (callers that batch it with other D1 writes use this). */
export async function sealTokenRecord(env: TokenStoreEnv, record: TokenRecord): Promise<string> {
  return seal(await keyRing(env), JSON.stringify(record), context(record.accountId));
}

/** After D1 accepted `sealed`, the KV cache gets the same bytes. */
export async function cacheSealedRecord(env: TokenStoreEnv, accountId: number, sealed: string): Promise<void> {
  await env.TOKENS.put(kvKey(accountId), sealed);
}

/**
 * A fresh connection's tokens: replaces whatever was stored. Its version is the time (refreshes
 * then count up from it), so a reconnect after a disconnect never reuses a number some
 * isolate still remembers.
 */
export async function storeNewTokens(env: TokenStoreEnv, record: Omit<TokenRecord, "version">): Promise<TokenRecord> {
  const current = await env.DB.prepare("SELECT version FROM token_records WHERE account_id = ?")
    .bind(record.accountId)
    .first<{ version: number }>();
  const full = { ...record, version: Math.max((current?.version ?? 0) + 1, record.obtainedAt) };
  const sealed = await sealTokenRecord(env, full);
  await env.DB.prepare(
    `INSERT INTO token_records (account_id, version, sealed, expires_at) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (account_id) DO UPDATE SET version = ?2, sealed = ?3, expires_at = ?4, lease_owner = NULL, lease_until = NULL, failures = 0, next_attempt_at = NULL, uncertain = 0`,
  )
    .bind(full.accountId, full.version, sealed, full.expiresAt)
    .run();
  await cacheSealedRecord(env, full.accountId, sealed);
  return full;
}

export async function deleteTokenRecord(env: TokenStoreEnv, accountId: number): Promise<void> {
  await deleteTokenRecordStatement(env.DB, accountId).run();
  await env.TOKENS.delete(kvKey(accountId));
}

/** The D1 half of `deleteTokenRecord`, for removing an account in one batch (its KV copy is left to the caller). */
export const deleteTokenRecordStatement = (db: D1Database, accountId: number): D1PreparedStatement =>
  db.prepare("DELETE FROM token_records WHERE account_id = ?").bind(accountId);

/**
 * After a key rotation: re-seals up to `limit` token records still sealed under an older key
 * (`current` is the LIKE pattern of the current one). Each goes in place of the exact value it
 * was made from, so a refresh that wrote meanwhile wins; the KV copy is dropped (readers then
 * read D1 until the next refresh writes KV again). Returns how many moved.
 */
export async function resealOldTokenRecords(env: TokenStoreEnv, current: string, limit: number): Promise<number> {
  const ring = await keyRing(env);
  // From a few times the batch: a record that no longer opens (its key already dropped) is
  // skipped and logged, never a wall the sweep stops at every hour.
  const { results } = await env.DB.prepare(
    "SELECT account_id, sealed FROM token_records WHERE sealed NOT LIKE ?1 ORDER BY account_id LIMIT ?2",
  )
    .bind(current, limit * 5)
    .all<{ account_id: number; sealed: string }>();
  let moved = 0;
  for (const row of results) {
    if (moved >= limit) break;
    const now = await resealed(ring, row.sealed, context(row.account_id)).catch((error: unknown) => {
      logError("reseal_unreadable", error, { table: "token_records", account_id: row.account_id });
      return null;
    });
    if (!now) continue;
    const replaced = await env.DB.prepare("UPDATE token_records SET sealed = ?3 WHERE account_id = ?1 AND sealed = ?2")
      .bind(row.account_id, row.sealed, now)
      .run();
    if (replaced.meta.changes === 0) continue;
    await env.TOKENS.delete(kvKey(row.account_id));
    moved++;
  }
  return moved;
}

/** How many token records are sealed under an older key (shown on /status after a rotation). */
export async function countTokensOnOldKeys(db: D1Database, current: string): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM token_records WHERE sealed NOT LIKE ?")
    .bind(current)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Forgets the cached app token (after a key rotation it may be sealed under the old key; the next user fetches one). */
export async function forgetAppToken(env: { TOKENS: KVNamespace }): Promise<void> {
  await env.TOKENS.delete(APP_TOKEN_KEY);
}

/** The sealed app token (client credentials) cached in KV, or null. */
export const readSealedAppToken = (env: { TOKENS: KVNamespace }): Promise<string | null> =>
  env.TOKENS.get(APP_TOKEN_KEY);

export async function cacheSealedAppToken(env: { TOKENS: KVNamespace }, sealed: string): Promise<void> {
  await env.TOKENS.put(APP_TOKEN_KEY, sealed);
}

// The refresh lease and what a refresh writes. Each takes the D1 binding it is handed, so a
// caller that meters its D1 queries (the refresh Worker's InvocationBudget) counts these too.
// Whole batches of accounts go in one statement each (a JSON array through json_each): the
// cron's D1 round trips are per batch, not per account, and 100 bound parameters never bind.

/** The columns a refresher needs from the row it leased. */
export interface LeasedTokenRow {
  account_id: number;
  version: number;
  sealed: string;
  expires_at: number;
  failures: number;
  uncertain: number;
}

/** What stands in the way of a lease; null when the account is not connected. */
export interface LeaseBlockers {
  lease_until: number | null;
  next_attempt_at: number | null;
  needs_reconnect: number;
  reconnect_reason: string | null;
}

/** Accounts to lease: each unless held, backing off, marked for re-connect, or (with `dueBefore`) not yet due. */
export interface LeaseClaim {
  accountIds: number[];
  leaseUntil: number;
  now: number;
  dueBefore: number | null;
}

/** What a lease holder writes when it is done with an account. */
export type Settlement =
  /** New tokens, fenced on the version they were refreshed from. */
  | {
      kind: "refreshed";
      accountId: number;
      fromVersion: number;
      record: TokenRecord;
      sealed: string;
      refreshedAt: number;
    }
  /** A transient failure and the backoff it earned, only while the lease on `fromVersion` is still held. */
  | { kind: "failed"; accountId: number; fromVersion: number; failures: number; retryAt: number; uncertain: boolean }
  /** Kick refused the refresh token: a re-connect is needed, only while the lease on `fromVersion` is still held. */
  | { kind: "dead"; accountId: number; fromVersion: number; reason: string }
  /** Nothing to write: the lease goes back. */
  | { kind: "release"; accountId: number };

export interface RoundResult {
  /** Accounts whose new record was written; a refreshed one missing here was fenced out by a newer version. */
  written: Set<number>;
  /** Accounts marked for re-connect; a dead one missing here had lost its lease. */
  marked: Set<number>;
  leased: LeasedTokenRow[];
  /** The claimed accounts not leased, with what stood in the way. */
  blocked: Map<number, LeaseBlockers | null>;
}

/** At most this many statements in one round (settling, then claiming): what an invocation budgets. */
export const ROUND_STATEMENTS = { settle: 4, claim: 2 } as const;

/**
 * One D1 round trip of the lease protocol, one transaction: writes what the holder `owner`
 * settled, then claims the next accounts. Every write is fenced in its WHERE: a new record on
 * the version it was refreshed from (a newer version wins, whoever wrote it); a failure or a
 * re-connect mark only while `owner` still holds the lease on that version.
 */
export async function refreshRound(
  db: D1Database,
  owner: string,
  settle: Settlement[],
  claim: LeaseClaim | null,
): Promise<RoundResult> {
  const of = <K extends Settlement["kind"]>(kind: K) =>
    settle.filter((s): s is Extract<Settlement, { kind: K }> => s.kind === kind);
  const refreshed = of("refreshed");
  const dead = of("dead");
  const released = settle.filter((s) => s.kind !== "refreshed");
  const statements: D1PreparedStatement[] = [];
  const at = { marked: -1, written: -1, leased: -1, blocked: -1 };
  const add = (key: keyof typeof at | null, statement: D1PreparedStatement) => {
    if (key) at[key] = statements.length;
    statements.push(statement);
  };
  const json = (rows: unknown[]) => JSON.stringify(rows);

  // The account-side writes come first: they check the same fences the token rows are then written under.
  if (dead.length)
    add(
      "marked",
      db
        .prepare(
          `UPDATE accounts SET needs_reconnect = 1, reconnect_reason = j.value ->> 'reason' FROM json_each(?2) AS j
           WHERE accounts.id = j.value ->> 'id' AND EXISTS (SELECT 1 FROM token_records t
             WHERE t.account_id = accounts.id AND t.lease_owner = ?1 AND t.version = j.value ->> 'from')
           RETURNING accounts.id`,
        )
        .bind(owner, json(dead.map((s) => ({ id: s.accountId, from: s.fromVersion, reason: s.reason })))),
    );
  if (refreshed.length) {
    const rows = refreshed.map((s) => ({
      id: s.accountId,
      from: s.fromVersion,
      v: s.record.version,
      sealed: s.sealed,
      exp: s.record.expiresAt,
      at: s.refreshedAt,
      scopes: s.record.scopes.join(" "),
    }));
    add(
      null,
      db
        .prepare(
          `UPDATE accounts SET token_expires_at = j.value ->> 'exp', last_refresh_at = j.value ->> 'at', scopes = j.value ->> 'scopes'
           FROM json_each(?1) AS j WHERE accounts.id = j.value ->> 'id'
             AND EXISTS (SELECT 1 FROM token_records t WHERE t.account_id = accounts.id AND t.version = j.value ->> 'from')`,
        )
        .bind(json(rows)),
    );
    add(
      "written",
      db
        .prepare(
          `UPDATE token_records SET version = j.value ->> 'v', sealed = j.value ->> 'sealed', expires_at = j.value ->> 'exp',
             lease_owner = NULL, lease_until = NULL, failures = 0, next_attempt_at = NULL, uncertain = 0
           FROM json_each(?1) AS j WHERE token_records.account_id = j.value ->> 'id' AND token_records.version = j.value ->> 'from'
           RETURNING token_records.account_id`,
        )
        .bind(json(rows)),
    );
  }
  if (released.length) {
    // A failure sets its backoff, a re-connect clears `uncertain`; a plain release changes nothing else.
    const rows = released.map((s) =>
      s.kind === "failed"
        ? {
            id: s.accountId,
            from: s.fromVersion,
            failures: s.failures,
            retry: s.retryAt,
            uncertain: s.uncertain ? 1 : 0,
          }
        : s.kind === "dead"
          ? { id: s.accountId, from: s.fromVersion, uncertain: 0 }
          : { id: s.accountId },
    );
    add(
      null,
      db
        .prepare(
          `UPDATE token_records SET lease_owner = NULL, lease_until = NULL, failures = coalesce(j.value ->> 'failures', failures),
             next_attempt_at = coalesce(j.value ->> 'retry', next_attempt_at), uncertain = coalesce(j.value ->> 'uncertain', uncertain)
           FROM json_each(?2) AS j WHERE token_records.account_id = j.value ->> 'id' AND token_records.lease_owner = ?1
             AND (j.value ->> 'from' IS NULL OR token_records.version = j.value ->> 'from')`,
        )
        .bind(owner, json(rows)),
    );
  }
  if (claim?.accountIds.length) {
    const ids = json(claim.accountIds);
    // The owner's own leases count as free: a retried round whose first try did commit gets them back.
    add(
      "leased",
      db
        .prepare(
          `UPDATE token_records SET lease_owner = ?1, lease_until = ?2
           WHERE account_id IN (SELECT value FROM json_each(?3))
             AND (lease_until IS NULL OR lease_until < ?4 OR lease_owner = ?1)
             AND NOT EXISTS (SELECT 1 FROM accounts WHERE id = token_records.account_id AND needs_reconnect = 1)
             AND (next_attempt_at IS NULL OR next_attempt_at <= ?4)
             AND (?5 IS NULL OR expires_at < ?5)
           RETURNING account_id, version, sealed, expires_at, failures, uncertain`,
        )
        .bind(owner, claim.leaseUntil, ids, claim.now, claim.dueBefore),
    );
    // In the same transaction, so the reason read is the one the claim met.
    add(
      "blocked",
      db
        .prepare(
          `SELECT j.value AS account_id, t.lease_until, t.next_attempt_at, a.needs_reconnect, a.reconnect_reason
           FROM json_each(?1) AS j LEFT JOIN token_records t ON t.account_id = j.value LEFT JOIN accounts a ON a.id = t.account_id
           WHERE t.lease_owner IS NOT ?2`,
        )
        .bind(ids, owner),
    );
  }

  const results = statements.length ? await db.batch(statements) : [];
  const rows = <T>(key: keyof typeof at) => (at[key] < 0 ? [] : (results[at[key]]!.results as T[]));
  return {
    written: new Set(rows<{ account_id: number }>("written").map((r) => r.account_id)),
    marked: new Set(rows<{ id: number }>("marked").map((r) => r.id)),
    leased: rows<LeasedTokenRow>("leased"),
    blocked: new Map(
      rows<LeaseBlockers & { account_id: number }>("blocked").map(({ account_id, ...r }) => [
        account_id,
        r.needs_reconnect === null ? null : r,
      ]),
    ),
  };
}

/** New records that could not be written: the next refresher must know Kick may have rotated. */
export async function markRefreshesUncertain(db: D1Database, owner: string, accountIds: number[]): Promise<void> {
  await db
    .prepare(
      `UPDATE token_records SET uncertain = 1, lease_owner = NULL, lease_until = NULL
       WHERE account_id IN (SELECT value FROM json_each(?2)) AND lease_owner = ?1`,
    )
    .bind(owner, JSON.stringify(accountIds))
    .run();
}

// Due: expiring before ?1, not backing off or leased at ?2, and not waiting for a re-connect.
const DUE_WHERE = `FROM token_records t JOIN accounts a ON a.id = t.account_id
    WHERE a.needs_reconnect = 0 AND t.expires_at < ?1 AND (t.next_attempt_at IS NULL OR t.next_attempt_at <= ?2) AND (t.lease_until IS NULL OR t.lease_until < ?2)`;

export async function countDueForRefresh(db: D1Database, dueBefore: number, now: number): Promise<number> {
  const count = await db.prepare(`SELECT COUNT(*) AS n ${DUE_WHERE}`).bind(dueBefore, now).first<{ n: number }>();
  return count?.n ?? 0;
}

/** The due accounts, soonest expiry first. */
export async function dueForRefresh(db: D1Database, dueBefore: number, now: number, limit: number): Promise<number[]> {
  const { results } = await db
    .prepare(`SELECT t.account_id AS id ${DUE_WHERE} ORDER BY t.expires_at LIMIT ?3`)
    .bind(dueBefore, now, limit)
    .all<{ id: number }>();
  return results.map((row) => row.id);
}
