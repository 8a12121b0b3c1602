/**
 * When and how the client retries, as data (after ky's rules). Only idempotent methods
 * are retried: a POST that may have reached Kick (a chat message, a token refresh) is not.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  limit: number;
  methods: readonly string[];
  statusCodes: readonly number[];
  /** Statuses whose `Retry-After` is honoured instead of the backoff. */
  afterStatusCodes: readonly number[];
  /** A `Retry-After` longer than this is not waited out: the caller gets the error. */
  maxRetryAfterMs: number;
  /** Full-jitter exponential backoff: random(0, min(max, base * 2^attempt)). */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Per attempt, headers and body included. */
  timeoutMs: number;
  /** Cloudflare challenges and network failures are transient too. */
  retryOnHtmlChallenge: boolean;
  retryOnNetworkError: boolean;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  limit: 2,
  methods: ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"],
  statusCodes: [408, 429, 500, 502, 503, 504],
  afterStatusCodes: [429, 503],
  maxRetryAfterMs: 10_000,
  backoffBaseMs: 300,
  backoffMaxMs: 4_000,
  timeoutMs: 10_000,
  retryOnHtmlChallenge: true,
  retryOnNetworkError: true,
};

/** `Retry-After` as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}
