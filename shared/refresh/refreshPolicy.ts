/** How refreshing behaves, as data. Times in ms. */
export const REFRESH_POLICY = {
  /** How long one refresher may hold an account; far above the client's 10 s timeout, so a live holder never loses it. */
  leaseMs: 30_000,
  /** The trigger path refreshes a token that expires within this (clock skew and request time). */
  triggerSkewMs: 60_000,
  /** How long the trigger path waits for a refresh someone else is doing. */
  waitForOthersMs: 15_000,
  pollMs: 150,
  /** Transient failures back off: min(max, base * 2^failures), or longer if Kick's Retry-After says so. */
  backoffBaseMs: 60_000,
  backoffMaxMs: 30 * 60_000,
  /** Refresh calls at once within one invocation (Workers allow 6 open connections). */
  concurrency: 6,
  /**
   * A batch's Kick call starts within this of its lease, or not at all (the account waits for the
   * next run): the call, its one retry (10 s timeout each) and the write must fit in the lease.
   */
  startWithinMs: 8_000,
} as const;

export function backoffAfter(failures: number, retryAfterMs = 0): number {
  return Math.max(
    retryAfterMs,
    Math.min(REFRESH_POLICY.backoffMaxMs, REFRESH_POLICY.backoffBaseMs * 2 ** Math.max(0, failures - 1)),
  );
}
