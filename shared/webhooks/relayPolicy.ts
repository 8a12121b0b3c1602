/**
 * How relays are retried, as data: the wait before each attempt (the first goes at once,
 * from the intake's waitUntil; the rest from the minute cron), what counts as worth
 * retrying, and how long one attempt may take. After the last attempt a delivery is dead
 * (kept, listed, and retryable by hand).
 */
export const RELAY_POLICY = {
  delaysMs: [0, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000],
  timeoutMs: 10_000,
  /** Sends at once: Workers' open-connection limit per invocation. */
  concurrency: 6,
  /** 408 and 429 and 5xx may pass; any other 4xx will not (a deleted Zap answers 410). */
  retryable: (status: number) => status === 408 || status === 429 || status >= 500,
  /** The receiver wants nothing more from this relay (Zapier's rule for senders): it is disabled. */
  goneStatus: 410,
  /**
   * Deliveries one cron run retries at most (each is an unseal and an HMAC of CPU time), and
   * fewer when the run's subrequest budget has less left (INVOCATION_COSTS).
   */
  perRun: 20,
  /** After a rotation, the old secret signs beside the new one this long unless the caller says otherwise. */
  secretOverlapHours: 24,
  maxSecretOverlapHours: 7 * 24,
  /**
   * The most MAX_RELAYS_PER_ACCOUNT may allow: one event's fan-out then fits one invocation's
   * 50 subrequests, or nearly (what does not is carried to the next cron run).
   */
  maxRelaysPerAccount: 50,
};

/** Events a relay gets only when it names them: chat is many, so `*` never includes it. */
export const NAMED_ONLY_EVENTS: readonly string[] = ["chat.message.sent"];

/**
 * Why an attempt got no answer, as stored and listed: a class, never the network's words.
 * `target_refused`: the URL is no longer allowed (relayTarget.ts); `secret_unreadable`: its
 * sealed secret does not open with the configured keys.
 */
export const RELAY_FAILURES = [
  "unreachable",
  "target_refused",
  "relay_deleted",
  "relay_disabled",
  "secret_unreadable",
] as const;
export type RelayFailure = (typeof RELAY_FAILURES)[number];

/**
 * What the webhooks Worker's work costs in subrequests (the Free plan allows 50 per
 * invocation: FREE_PLAN_LIMITS), charged before it runs. Relay sends and subscription syncs
 * are counted as they go; the steps of an event call Kick through the account's client, which
 * this Worker does not meter, so they are charged at their worst.
 */
export const INVOCATION_COSTS = {
  /** One look for Kick's public key (the intake looks at most twice: the second after a bad signature). */
  publicKey: 1,
  /**
   * An event's steps at worst: a token asked of the refresh Worker, a read of Kick (live
   * status or the leaderboard) with its two retries, after a 401 another token and the read
   * again; then a chat post as the bot (its token, the post, after a 401 a token and the post).
   * 1 + 3 + 1 + 3 + 4 = 12; announce and snapshot never share an event.
   */
  eventSteps: 12,
  /**
   * One subscription sync at worst: the app token, the list (3 tries, after a 401 a new token
   * and 3 more), the delete (the same), the create (1, after a 401 a token and 1 more).
   */
  subscriptionSync: 18,
  relaySend: 1,
} as const;
