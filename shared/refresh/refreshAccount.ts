import {
  KickError,
  KickInvalidGrantError,
  KickNetworkError,
  KickRateLimitedError,
  KickTimeoutError,
  parseScopes,
  refreshToken,
  type KickConfig,
} from "../kick/index";
import type { TokenResponse } from "../kick/schemas/oauth";
import {
  cacheSealedRecord,
  openSealedRecord,
  readAuthoritativeTokenRecord,
  sealTokenRecord,
  type TokenRecord,
  type TokenStoreEnv,
} from "../tokens/tokenStore";
import { backoffAfter, REFRESH_POLICY } from "./refreshPolicy";

export type RefreshOutcome =
  | { kind: "refreshed"; record: TokenRecord }
  /** Someone else refreshed since the caller's version: their record, no Kick call. */
  | { kind: "recovered"; record: TokenRecord }
  /** Not due (any more): nothing to do. */
  | { kind: "not_due" }
  /** Another refresher holds the lease: nothing was done. */
  | { kind: "leased" }
  /** Kick failed lately and asked for (or earned) a pause: nothing was done until `retryAt`. */
  | { kind: "backing_off"; retryAt: number }
  | { kind: "dead"; reason: string }
  | { kind: "transient"; error: string; retryAt: number }
  | { kind: "missing" };

export interface RefreshRequest {
  accountId: number;
  /** Who holds the lease while this runs (an invocation id). */
  owner: string;
  config: KickConfig;
  now: number;
  /**
   * cron: refresh only if due (expires before `dueBefore`) and not backing off.
   * trigger: the caller holds version `seenVersion` and needs a newer, live token.
   */
  mode: { kind: "cron"; dueBefore: number } | { kind: "trigger"; seenVersion: number };
}

interface LeasedRow {
  version: number;
  sealed: string;
  expires_at: number;
  failures: number;
  uncertain: number;
}

const REASON_REVOKED = "Kick refused the refresh token (invalid_grant): it expired, was revoked, or was already used";
const REASON_LOST = "a refresh answer was lost after Kick had already rotated the refresh token";

/**
 * One coordinated refresh of one account. The lease (a conditional UPDATE in D1) makes it
 * the only refresh of this account anywhere; the new record is written to D1 fenced on the
 * version it started from, then to KV, and only then returned for use.
 */
export async function refreshAccount(env: TokenStoreEnv, r: RefreshRequest): Promise<RefreshOutcome> {
  const db = env.DB;
  const cron = r.mode.kind === "cron" ? r.mode : null;
  const leased = await db
    .prepare(
      `UPDATE token_records SET lease_owner = ?1, lease_until = ?2
       WHERE account_id = ?3 AND (lease_until IS NULL OR lease_until < ?4)
         AND NOT EXISTS (SELECT 1 FROM accounts WHERE id = ?3 AND needs_reconnect = 1)
         AND (next_attempt_at IS NULL OR next_attempt_at <= ?4)
         AND (?5 IS NULL OR expires_at < ?5)
       RETURNING version, sealed, expires_at, failures, uncertain`,
    )
    .bind(r.owner, r.now + REFRESH_POLICY.leaseMs, r.accountId, r.now, cron?.dueBefore ?? null)
    .first<LeasedRow>();
  if (!leased) return whyNotLeased(env, r);

  const release = () =>
    db
      .prepare(
        "UPDATE token_records SET lease_owner = NULL, lease_until = NULL WHERE account_id = ? AND lease_owner = ?",
      )
      .bind(r.accountId, r.owner)
      .run();
  let current: TokenRecord | null;
  try {
    current = await openSealedRecord(env, r.accountId, leased.sealed);
  } catch (error) {
    await release();
    throw error;
  }
  if (!current) {
    await release();
    return { kind: "missing" };
  }
  if (
    r.mode.kind === "trigger" &&
    current.version > r.mode.seenVersion &&
    current.expiresAt - r.now > REFRESH_POLICY.triggerSkewMs
  ) {
    await release();
    return { kind: "recovered", record: current };
  }

  let tokens: TokenResponse;
  let uncertain = leased.uncertain === 1;
  try {
    tokens = await refreshToken(r.config, current.refreshToken);
  } catch (first) {
    if (!(first instanceof KickNetworkError || first instanceof KickTimeoutError))
      return failed(env, r, leased, first, uncertain);
    // The answer was lost: Kick may have rotated already. One immediate retry with the same
    // token works under Kick's reuse grace; under single-use it is an invalid_grant, not a loop.
    uncertain = true;
    try {
      tokens = await refreshToken(r.config, current.refreshToken);
    } catch (second) {
      return failed(env, r, leased, second, uncertain);
    }
  }

  const next: TokenRecord = {
    accountId: r.accountId,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token || current.refreshToken,
    expiresAt: r.now + tokens.expires_in * 1000,
    scopes: tokens.scope ? parseScopes(tokens.scope) : current.scopes,
    obtainedAt: r.now,
    version: current.version + 1,
  };
  const sealed = await sealTokenRecord(env, next);
  const write = () =>
    db.batch([
      db
        .prepare(
          `UPDATE token_records SET version = ?1, sealed = ?2, expires_at = ?3, lease_owner = NULL, lease_until = NULL, failures = 0, next_attempt_at = NULL, uncertain = 0
           WHERE account_id = ?4 AND version = ?5`,
        )
        .bind(next.version, sealed, next.expiresAt, r.accountId, current.version),
      db
        .prepare(
          "UPDATE accounts SET token_expires_at = ?1, last_refresh_at = ?2, scopes = ?3 WHERE id = ?4 AND EXISTS (SELECT 1 FROM token_records WHERE account_id = ?4 AND version = ?5)",
        )
        .bind(next.expiresAt, r.now, next.scopes.join(" "), r.accountId, next.version),
    ]);
  let written: D1Result | undefined;
  // Kick has rotated: this write is the only copy of the new refresh token. Try hard before giving up.
  for (let attempt = 0; !written; attempt++) {
    try {
      [written] = await write();
    } catch (error) {
      if (attempt < 2) {
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        continue;
      }
      await db
        .prepare(
          "UPDATE token_records SET uncertain = 1, lease_owner = NULL, lease_until = NULL WHERE account_id = ? AND lease_owner = ?",
        )
        .bind(r.accountId, r.owner)
        .run()
        .catch(() => undefined);
      throw error;
    }
  }
  if (written.meta.changes !== 1) {
    // A newer version landed meanwhile (this lease had lapsed): that one wins, never this stale write.
    console.error(JSON.stringify({ event: "refresh_fenced_out", account: r.accountId, version: current.version }));
    const newest = await readAuthoritativeTokenRecord(env, r.accountId);
    return newest ? { kind: "recovered", record: newest } : { kind: "missing" };
  }
  await cacheSealedRecord(env, r.accountId, sealed);
  return { kind: "refreshed", record: next };
}

/** Why the lease was not taken: gone, dead, not due, or someone else has it. */
async function whyNotLeased(env: TokenStoreEnv, r: RefreshRequest): Promise<RefreshOutcome> {
  const row = await env.DB.prepare(
    `SELECT t.expires_at, t.lease_until, t.next_attempt_at, a.needs_reconnect, a.reconnect_reason
     FROM token_records t JOIN accounts a ON a.id = t.account_id WHERE t.account_id = ?`,
  )
    .bind(r.accountId)
    .first<{
      expires_at: number;
      lease_until: number | null;
      next_attempt_at: number | null;
      needs_reconnect: number;
      reconnect_reason: string | null;
    }>();
  if (!row) return { kind: "missing" };
  if (row.needs_reconnect === 1) return { kind: "dead", reason: row.reconnect_reason ?? REASON_REVOKED };
  if (row.lease_until !== null && row.lease_until >= r.now) return { kind: "leased" };
  if (row.next_attempt_at !== null && row.next_attempt_at > r.now)
    return { kind: "backing_off", retryAt: row.next_attempt_at };
  return { kind: "not_due" };
}

/** Records a failed refresh: invalid_grant marks the account for re-connect; the rest back off. */
async function failed(
  env: TokenStoreEnv,
  r: RefreshRequest,
  leased: LeasedRow,
  error: unknown,
  uncertain: boolean,
): Promise<RefreshOutcome> {
  const db = env.DB;
  // Only while this refresher still holds the lease on the version it started from: if its lease
  // lapsed and someone else refreshed meanwhile, Kick's refusal of the old token means nothing.
  const stillOurs = "SELECT 1 FROM token_records WHERE account_id = ?1 AND lease_owner = ?2 AND version = ?3";
  if (error instanceof KickInvalidGrantError) {
    const reason = uncertain ? REASON_LOST : REASON_REVOKED;
    const [marked] = await db.batch([
      db
        .prepare(
          `UPDATE accounts SET needs_reconnect = 1, reconnect_reason = ?4 WHERE id = ?1 AND EXISTS (${stillOurs})`,
        )
        .bind(r.accountId, r.owner, leased.version, reason),
      db
        .prepare(
          "UPDATE token_records SET lease_owner = NULL, lease_until = NULL, uncertain = 0 WHERE account_id = ?1 AND lease_owner = ?2 AND version = ?3",
        )
        .bind(r.accountId, r.owner, leased.version),
    ]);
    return marked!.meta.changes === 1 ? { kind: "dead", reason } : { kind: "not_due" };
  }
  const failures = leased.failures + 1;
  const retryAt = r.now + backoffAfter(failures, error instanceof KickRateLimitedError ? error.retryAfterMs : 0);
  await db
    .prepare(
      "UPDATE token_records SET lease_owner = NULL, lease_until = NULL, failures = ?4, next_attempt_at = ?5, uncertain = ?6 WHERE account_id = ?1 AND lease_owner = ?2 AND version = ?3",
    )
    .bind(r.accountId, r.owner, leased.version, failures, retryAt, uncertain ? 1 : 0)
    .run();
  if (!(error instanceof KickError)) throw error;
  return { kind: "transient", error: error.code, retryAt };
}
