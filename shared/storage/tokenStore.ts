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

/** The columns a refresher needs from the row it leased. */
export interface LeasedTokenRow {
  version: number;
  sealed: string;
  expires_at: number;
  failures: number;
  uncertain: number;
}

/**
 * Takes the refresh lease on one account's record (a conditional UPDATE: one winner anywhere),
 * unless it is held, backing off, marked for re-connect, or (with `dueBefore`) not yet due.
 */
export function takeRefreshLease(
  db: D1Database,
  lease: { accountId: number; owner: string; leaseUntil: number; now: number; dueBefore: number | null },
): Promise<LeasedTokenRow | null> {
  return db
    .prepare(
      `UPDATE token_records SET lease_owner = ?1, lease_until = ?2
       WHERE account_id = ?3 AND (lease_until IS NULL OR lease_until < ?4)
         AND NOT EXISTS (SELECT 1 FROM accounts WHERE id = ?3 AND needs_reconnect = 1)
         AND (next_attempt_at IS NULL OR next_attempt_at <= ?4)
         AND (?5 IS NULL OR expires_at < ?5)
       RETURNING version, sealed, expires_at, failures, uncertain`,
    )
    .bind(lease.owner, lease.leaseUntil, lease.accountId, lease.now, lease.dueBefore)
    .first<LeasedTokenRow>();
}

export async function releaseRefreshLease(db: D1Database, accountId: number, owner: string): Promise<void> {
  await db
    .prepare("UPDATE token_records SET lease_owner = NULL, lease_until = NULL WHERE account_id = ? AND lease_owner = ?")
    .bind(accountId, owner)
    .run();
}

/** What stands in the way of a lease: the record's timings and the account's re-connect mark. */
export function refreshBlockers(db: D1Database, accountId: number) {
  return db
    .prepare(
      `SELECT t.expires_at, t.lease_until, t.next_attempt_at, a.needs_reconnect, a.reconnect_reason
     FROM token_records t JOIN accounts a ON a.id = t.account_id WHERE t.account_id = ?`,
    )
    .bind(accountId)
    .first<{
      expires_at: number;
      lease_until: number | null;
      next_attempt_at: number | null;
      needs_reconnect: number;
      reconnect_reason: string | null;
    }>();
}

/**
 * Writes a refreshed record fenced on the version it was refreshed from, and the account's
 * copy of its expiry and scopes, in one batch. The first result's `changes` is 0 when a newer
 * version landed meanwhile.
 */
export async function writeRefreshedRecord(
  db: D1Database,
  refreshed: { record: TokenRecord; sealed: string; fromVersion: number; refreshedAt: number },
): Promise<D1Result> {
  const { record, sealed } = refreshed;
  const [written] = await db.batch([
    db
      .prepare(
        `UPDATE token_records SET version = ?1, sealed = ?2, expires_at = ?3, lease_owner = NULL, lease_until = NULL, failures = 0, next_attempt_at = NULL, uncertain = 0
           WHERE account_id = ?4 AND version = ?5`,
      )
      .bind(record.version, sealed, record.expiresAt, record.accountId, refreshed.fromVersion),
    db
      .prepare(
        "UPDATE accounts SET token_expires_at = ?1, last_refresh_at = ?2, scopes = ?3 WHERE id = ?4 AND EXISTS (SELECT 1 FROM token_records WHERE account_id = ?4 AND version = ?5)",
      )
      .bind(record.expiresAt, refreshed.refreshedAt, record.scopes.join(" "), record.accountId, record.version),
  ]);
  return written!;
}

/** The refreshed record could not be written: the next refresher must know Kick may have rotated. */
export async function markRefreshUncertain(db: D1Database, accountId: number, owner: string): Promise<void> {
  await db
    .prepare(
      "UPDATE token_records SET uncertain = 1, lease_owner = NULL, lease_until = NULL WHERE account_id = ? AND lease_owner = ?",
    )
    .bind(accountId, owner)
    .run();
}

// Only while the refresher still holds the lease on the version it started from: if its lease
// lapsed and someone else refreshed meanwhile, Kick's refusal of the old token means nothing.
const STILL_LEASED = "SELECT 1 FROM token_records WHERE account_id = ?1 AND lease_owner = ?2 AND version = ?3";

/** Marks the account for re-connect and releases the lease; false when the lease was no longer held. */
export async function markNeedsReconnect(
  db: D1Database,
  lease: { accountId: number; owner: string; version: number },
  reason: string,
): Promise<boolean> {
  const [marked] = await db.batch([
    db
      .prepare(
        `UPDATE accounts SET needs_reconnect = 1, reconnect_reason = ?4 WHERE id = ?1 AND EXISTS (${STILL_LEASED})`,
      )
      .bind(lease.accountId, lease.owner, lease.version, reason),
    db
      .prepare(
        "UPDATE token_records SET lease_owner = NULL, lease_until = NULL, uncertain = 0 WHERE account_id = ?1 AND lease_owner = ?2 AND version = ?3",
      )
      .bind(lease.accountId, lease.owner, lease.version),
  ]);
  return marked!.meta.changes === 1;
}

/** Releases the lease with the backoff a transient failure earned. */
export async function recordRefreshFailure(
  db: D1Database,
  lease: { accountId: number; owner: string; version: number },
  failure: { failures: number; retryAt: number; uncertain: boolean },
): Promise<void> {
  await db
    .prepare(
      "UPDATE token_records SET lease_owner = NULL, lease_until = NULL, failures = ?4, next_attempt_at = ?5, uncertain = ?6 WHERE account_id = ?1 AND lease_owner = ?2 AND version = ?3",
    )
    .bind(lease.accountId, lease.owner, lease.version, failure.failures, failure.retryAt, failure.uncertain ? 1 : 0)
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
