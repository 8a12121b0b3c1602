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
  markNeedsReconnect,
  markRefreshUncertain,
  openSealedRecord,
  readAuthoritativeTokenRecord,
  recordRefreshFailure,
  refreshBlockers,
  releaseRefreshLease,
  sealTokenRecord,
  takeRefreshLease,
  writeRefreshedRecord,
  type LeasedTokenRow,
  type TokenRecord,
  type TokenStoreEnv,
} from "../storage/tokenStore";
import type { RefreshActivity } from "../storage/activityStore";
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
  /** `marked`: this refresh found out (an account already waiting for a re-connect was not tried). */
  | { kind: "dead"; reason: string; marked?: true }
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

const REASON_REVOKED = "Kick refused the refresh token (invalid_grant): it expired, was revoked, or was already used";
const REASON_LOST = "a refresh answer was lost after Kick had already rotated the refresh token";

/**
 * One coordinated refresh of one account. The lease (a conditional update in D1) makes it
 * the only refresh of this account anywhere; the new record is written to D1 fenced on the
 * version it started from, then to KV, and only then returned for use.
 */
export async function refreshAccount(env: TokenStoreEnv, request: RefreshRequest): Promise<RefreshOutcome> {
  const db = env.DB;
  const leased = await takeRefreshLease(db, {
    accountId: request.accountId,
    owner: request.owner,
    leaseUntil: request.now + REFRESH_POLICY.leaseMs,
    now: request.now,
    dueBefore: request.mode.kind === "cron" ? request.mode.dueBefore : null,
  });
  if (!leased) return whyNotLeased(env, request);

  const release = () => releaseRefreshLease(db, request.accountId, request.owner);
  let current: TokenRecord | null;
  try {
    current = await openSealedRecord(env, request.accountId, leased.sealed);
  } catch (error) {
    await release();
    throw error;
  }
  if (!current) {
    await release();
    return { kind: "missing" };
  }
  if (
    request.mode.kind === "trigger" &&
    current.version > request.mode.seenVersion &&
    current.expiresAt - request.now > REFRESH_POLICY.triggerSkewMs
  ) {
    await release();
    return { kind: "recovered", record: current };
  }

  let tokens: TokenResponse;
  let uncertain = leased.uncertain === 1;
  try {
    tokens = await refreshToken(request.config, current.refreshToken);
  } catch (first) {
    if (!(first instanceof KickNetworkError || first instanceof KickTimeoutError))
      return failed(env, request, leased, first, uncertain);
    // The answer was lost: Kick may have rotated already. One immediate retry with the same
    // token works under Kick's reuse grace; under single-use it is an invalid_grant, not a loop.
    uncertain = true;
    try {
      tokens = await refreshToken(request.config, current.refreshToken);
    } catch (second) {
      return failed(env, request, leased, second, uncertain);
    }
  }

  const next: TokenRecord = {
    accountId: request.accountId,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token || current.refreshToken,
    expiresAt: request.now + tokens.expires_in * 1000,
    scopes: tokens.scope ? parseScopes(tokens.scope) : current.scopes,
    obtainedAt: request.now,
    version: current.version + 1,
  };
  const sealed = await sealTokenRecord(env, next);
  const fromVersion = current.version;
  let written: D1Result | undefined;
  // Kick has rotated: this write is the only copy of the new refresh token. Try hard before giving up.
  for (let attempt = 0; !written; attempt++) {
    try {
      written = await writeRefreshedRecord(db, { record: next, sealed, fromVersion, refreshedAt: request.now });
    } catch (error) {
      if (attempt < 2) {
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        continue;
      }
      await markRefreshUncertain(db, request.accountId, request.owner).catch(() => undefined);
      throw error;
    }
  }
  if (written.meta.changes !== 1) {
    // A newer version landed meanwhile (this lease had lapsed): that one wins, never this stale write.
    console.error(JSON.stringify({ event: "refresh_fenced_out", account: request.accountId, version: fromVersion }));
    const newest = await readAuthoritativeTokenRecord(env, request.accountId);
    return newest ? { kind: "recovered", record: newest } : { kind: "missing" };
  }
  await cacheSealedRecord(env, request.accountId, sealed);
  return { kind: "refreshed", record: next };
}

/** Why the lease was not taken: gone, dead, not due, or someone else has it. */
async function whyNotLeased(env: TokenStoreEnv, request: RefreshRequest): Promise<RefreshOutcome> {
  const row = await refreshBlockers(env.DB, request.accountId);
  if (!row) return { kind: "missing" };
  if (row.needs_reconnect === 1) return { kind: "dead", reason: row.reconnect_reason ?? REASON_REVOKED };
  if (row.lease_until !== null && row.lease_until >= request.now) return { kind: "leased" };
  if (row.next_attempt_at !== null && row.next_attempt_at > request.now)
    return { kind: "backing_off", retryAt: row.next_attempt_at };
  return { kind: "not_due" };
}

/** Records a failed refresh: invalid_grant marks the account for re-connect; the rest back off. */
async function failed(
  env: TokenStoreEnv,
  request: RefreshRequest,
  leased: LeasedTokenRow,
  error: unknown,
  uncertain: boolean,
): Promise<RefreshOutcome> {
  const lease = { accountId: request.accountId, owner: request.owner, version: leased.version };
  if (error instanceof KickInvalidGrantError) {
    const reason = uncertain ? REASON_LOST : REASON_REVOKED;
    return (await markNeedsReconnect(env.DB, lease, reason))
      ? { kind: "dead", reason, marked: true }
      : { kind: "not_due" };
  }
  const failures = leased.failures + 1;
  const retryAt = request.now + backoffAfter(failures, error instanceof KickRateLimitedError ? error.retryAfterMs : 0);
  await recordRefreshFailure(env.DB, lease, { failures, retryAt, uncertain });
  if (!(error instanceof KickError)) throw error;
  return { kind: "transient", error: error.code, retryAt };
}

/**
 * A refresh as the account's activity page shows it: one that reached Kick (refreshed, failed,
 * or found the account needs a re-connect); null when nothing was tried.
 */
export function refreshActivity(
  accountId: number,
  what: RefreshActivity["what"],
  outcome: RefreshOutcome,
  at: number,
): RefreshActivity | null {
  const row = (result: string, detail: string | null = null) => ({
    account_id: accountId,
    at,
    what,
    outcome: result,
    detail,
  });
  if (outcome.kind === "refreshed") return row("ok");
  if (outcome.kind === "transient") return row(outcome.error);
  if (outcome.kind === "dead" && outcome.marked) return row("needs_reconnect", outcome.reason);
  return null;
}
