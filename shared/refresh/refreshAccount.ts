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
  markRefreshesUncertain,
  openSealedRecord,
  readAuthoritativeTokenRecord,
  refreshRound,
  sealTokenRecord,
  type LeaseBlockers,
  type LeaseClaim,
  type LeasedTokenRow,
  type RoundResult,
  type Settlement,
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
  | { kind: "missing" }
  /** Leased in a batch, but its Kick call could not start in time: released untried, for the next run. */
  | { kind: "late" };

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

/**
 * A leased account after its turn at Kick, before anything is written: what to write, what it
 * will have come to once written, and an error to report after the write (a bug, not Kick's).
 */
export interface Exchanged {
  settlement: Settlement;
  outcome: RefreshOutcome;
  error?: unknown;
}

const REASON_REVOKED = "Kick refused the refresh token (invalid_grant): it expired, was revoked, or was already used";
const REASON_LOST = "a refresh answer was lost after Kick had already rotated the refresh token";

/** The lease claim for `request`'s accounts, starting now. */
export const claimOf = (accountIds: number[], request: Pick<RefreshRequest, "now" | "mode">): LeaseClaim => ({
  accountIds,
  leaseUntil: request.now + REFRESH_POLICY.leaseMs,
  now: request.now,
  dueBefore: request.mode.kind === "cron" ? request.mode.dueBefore : null,
});

/**
 * One coordinated refresh of one account (a refresh on demand). The lease (a conditional update
 * in D1) makes it the only refresh of this account anywhere; the new record is written to D1
 * fenced on the version it started from, then to KV, and only then returned for use. The cron
 * runs the same steps for batches of accounts (functions/refresh/refreshMany.ts).
 */
export async function refreshAccount(env: TokenStoreEnv, request: RefreshRequest): Promise<RefreshOutcome> {
  const { leased, blocked } = await refreshRound(env.DB, request.owner, [], claimOf([request.accountId], request));
  if (!leased[0]) return whyNotLeased(blocked.get(request.accountId) ?? null, request.now);
  const exchanged = await exchange(env, request, leased[0]);
  const round = await settle(env.DB, request.owner, [exchanged]);
  let outcome = settled(exchanged, round);
  if (exchanged.outcome.kind === "refreshed" && outcome.kind === "not_due") {
    // Fenced out: the caller needs the record that won (the cron's batches do not).
    const newest = await readAuthoritativeTokenRecord(env, request.accountId);
    outcome = newest ? { kind: "recovered", record: newest } : { kind: "missing" };
  }
  if (exchanged.error) throw exchanged.error;
  if (outcome.kind === "refreshed") await cacheSealedRecord(env, request.accountId, sealedOf(exchanged));
  return outcome;
}

/**
 * The holder's turn at Kick, with no D1 statement of its own (so a batch writes many at once):
 * opens the record the lease returned (D1's newest), refreshes it, and seals the new one.
 */
export async function exchange(
  env: TokenStoreEnv,
  request: Omit<RefreshRequest, "owner">,
  leased: LeasedTokenRow,
): Promise<Exchanged> {
  const release: Settlement = { kind: "release", accountId: request.accountId };
  let current: TokenRecord | null;
  try {
    current = await openSealedRecord(env, request.accountId, leased.sealed);
  } catch (error) {
    return { settlement: release, outcome: internal(request.now), error };
  }
  if (!current) return { settlement: release, outcome: { kind: "missing" } };
  if (
    request.mode.kind === "trigger" &&
    current.version > request.mode.seenVersion &&
    current.expiresAt - request.now > REFRESH_POLICY.triggerSkewMs
  )
    return { settlement: release, outcome: { kind: "recovered", record: current } };

  let tokens: TokenResponse;
  let uncertain = leased.uncertain === 1;
  try {
    tokens = await refreshToken(request.config, current.refreshToken);
  } catch (first) {
    if (!(first instanceof KickNetworkError || first instanceof KickTimeoutError))
      return failed(request, leased, first, uncertain);
    // The answer was lost: Kick may have rotated already. One immediate retry with the same
    // token works under Kick's reuse grace; under single-use it is an invalid_grant, not a loop.
    uncertain = true;
    try {
      tokens = await refreshToken(request.config, current.refreshToken);
    } catch (second) {
      return failed(request, leased, second, uncertain);
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
  return {
    settlement: {
      kind: "refreshed",
      accountId: request.accountId,
      fromVersion: current.version,
      record: next,
      sealed: await sealTokenRecord(env, next),
      refreshedAt: request.now,
    },
    outcome: { kind: "refreshed", record: next },
  };
}

/**
 * Writes what the holder settled (and claims `claim`'s accounts) in one round. Kick has rotated
 * the refreshed ones: this write is their only copy of the new refresh token, so it is tried
 * three times (a retry only while `mayRetry` allows one: the invocation's D1 budget); after that
 * they are marked uncertain and the error is thrown.
 */
export async function settle(
  db: D1Database,
  owner: string,
  exchanged: Exchanged[],
  claim: LeaseClaim | null = null,
  mayRetry: () => boolean = () => true,
): Promise<RoundResult> {
  const settlements = exchanged.map((e) => e.settlement);
  for (let attempt = 0; ; attempt++) {
    try {
      return await refreshRound(db, owner, settlements, claim);
    } catch (error) {
      if (attempt < 2 && mayRetry()) {
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        continue;
      }
      const unwritten = settlements.filter((s) => s.kind === "refreshed").map((s) => s.accountId);
      if (unwritten.length) await markRefreshesUncertain(db, owner, unwritten).catch(() => undefined);
      throw error;
    }
  }
}

/** What an exchanged account came to once its round was written. */
export function settled(exchanged: Exchanged, round: RoundResult): RefreshOutcome {
  const { settlement, outcome } = exchanged;
  if (settlement.kind === "refreshed" && !round.written.has(settlement.accountId)) {
    // A newer version landed meanwhile (this lease had lapsed): that one wins, never this stale write.
    console.error(
      JSON.stringify({ event: "refresh_fenced_out", account: settlement.accountId, version: settlement.fromVersion }),
    );
    return { kind: "not_due" };
  }
  // A refusal of an old token after someone else refreshed means nothing.
  if (settlement.kind === "dead" && !round.marked.has(settlement.accountId)) return { kind: "not_due" };
  return outcome;
}

/** The sealed new record of a refreshed account, for KV once D1 has it. */
export const sealedOf = (exchanged: Exchanged) =>
  exchanged.settlement.kind === "refreshed" ? exchanged.settlement.sealed : "";

/** Why the lease was not taken: gone, dead, not due, or someone else has it. */
export function whyNotLeased(row: LeaseBlockers | null, now: number): RefreshOutcome {
  if (!row) return { kind: "missing" };
  if (row.needs_reconnect === 1) return { kind: "dead", reason: row.reconnect_reason ?? REASON_REVOKED };
  if (row.lease_until !== null && row.lease_until >= now) return { kind: "leased" };
  if (row.next_attempt_at !== null && row.next_attempt_at > now)
    return { kind: "backing_off", retryAt: row.next_attempt_at };
  return { kind: "not_due" };
}

/** A refresh that failed on our side (a bug, or a record that does not open): counted as transient. */
export const internal = (now: number) => ({ kind: "transient", error: "internal", retryAt: now }) as const;

/** A failed refresh: invalid_grant marks the account for re-connect; the rest back off. */
function failed(
  request: Omit<RefreshRequest, "owner">,
  leased: LeasedTokenRow,
  error: unknown,
  uncertain: boolean,
): Exchanged {
  const { accountId } = request;
  if (error instanceof KickInvalidGrantError) {
    const reason = uncertain ? REASON_LOST : REASON_REVOKED;
    return {
      settlement: { kind: "dead", accountId, fromVersion: leased.version, reason },
      outcome: { kind: "dead", reason, marked: true },
    };
  }
  const failures = leased.failures + 1;
  const retryAt = request.now + backoffAfter(failures, error instanceof KickRateLimitedError ? error.retryAfterMs : 0);
  return {
    settlement: { kind: "failed", accountId, fromVersion: leased.version, failures, retryAt, uncertain },
    outcome: error instanceof KickError ? { kind: "transient", error: error.code, retryAt } : internal(request.now),
    error: error instanceof KickError ? undefined : error,
  };
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
