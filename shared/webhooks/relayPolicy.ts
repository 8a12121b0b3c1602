/**
 * How relays are retried, as data: the wait before each attempt (the first goes at once,
 * from the intake's waitUntil; the rest from the minute cron), what counts as worth
 * retrying, and how long one attempt may take. After the last attempt a delivery is dead
 * (kept, listed, and retryable by hand).
 */
export const RELAY_POLICY = {
  delaysMs: [0, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000],
  timeoutMs: 10_000,
  /** 408 and 429 and 5xx may pass; any other 4xx will not (a deleted Zap answers 410). */
  retryable: (status: number) => status === 408 || status === 429 || status >= 500,
  /** Deliveries one cron run retries at most: one subrequest each, one claim and one batch of results in D1. */
  perRun: 20,
} as const;
