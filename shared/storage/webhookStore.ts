import { accountFromRow, type Account, type AccountRow } from "./accountsStore";
import type { EventType } from "../kick/schemas/events";
import { NAMED_ONLY_EVENTS, RELAY_FAILURES, RELAY_POLICY, type RelayFailure } from "../webhooks/relayPolicy";

/**
 * What the webhooks Worker keeps of Kick's deliveries and its own relays (migrations/0007, 0009):
 * webhook_events, relay_deliveries and subscription_syncs.
 */

const MIN = 60_000;
const DAY = 1440 * MIN;

/** An event still unprocessed this long after it arrived lost its waitUntil (which ends 30 s after the answer). */
const LOST_AFTER_MS = 2 * MIN;
const MAX_RERUNS = 3;

export const webhookEvents = {
  /**
   * Records an accepted delivery with its body; false when the message id was seen before
   * (exactly once). A row kept only as unreadable (`recordUnreadable`) does not count as seen:
   * Kick's signature does not cover Kick-Event-Type, so a copy re-sent under a wrong type must
   * not shut out the genuine delivery, which takes the row over.
   */
  async recordAccepted(
    db: D1Database,
    event: {
      messageId: string;
      type: string;
      broadcasterUserId: number | null;
      subscriptionId: string | null;
      sentAt: number;
      receivedAt: number;
      rawBody: string;
    },
  ): Promise<boolean> {
    const inserted = await db
      .prepare(
        `INSERT INTO webhook_events (message_id, type, broadcaster_user_id, subscription_id, sent_at, received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (message_id) DO UPDATE SET type = excluded.type, broadcaster_user_id = excluded.broadcaster_user_id,
           subscription_id = excluded.subscription_id, sent_at = excluded.sent_at, received_at = excluded.received_at, body = excluded.body,
           processed_at = NULL, outcome = NULL, attempts = 0, lease_until = NULL
         WHERE webhook_events.body IS NULL AND json_type(webhook_events.outcome, '$.invalid_payload') IS NOT NULL`,
      )
      .bind(
        event.messageId,
        event.type,
        event.broadcasterUserId,
        event.subscriptionId,
        event.sentAt,
        event.receivedAt,
        event.rawBody,
      )
      .run();
    return inserted.meta.changes !== 0;
  },

  /** Records a signed delivery whose payload our schema refused, as processed, with why; never over an accepted one. */
  async recordUnreadable(
    db: D1Database,
    event: { messageId: string; type: string; sentAt: number; receivedAt: number; outcome: string },
  ): Promise<void> {
    await db
      .prepare(
        "INSERT INTO webhook_events (message_id, type, sent_at, received_at, processed_at, outcome) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
      )
      .bind(event.messageId, event.type, event.sentAt, event.receivedAt, event.receivedAt, event.outcome)
      .run();
  },

  /** Marks an event done (its body is no longer needed), for a caller that batches it with the relay results. */
  processedStatement: (db: D1Database, messageId: string, outcome: string, processedAt: number): D1PreparedStatement =>
    db
      .prepare(
        "UPDATE webhook_events SET processed_at = ?, outcome = ?, body = NULL, lease_until = NULL WHERE message_id = ?",
      )
      .bind(processedAt, outcome, messageId),

  /**
   * Claims up to `limit` events accepted but never processed (the isolate died, waitUntil ran
   * out), with a lease, at most MAX_RERUNS times each.
   */
  async claimLost(db: D1Database, now: number, limit: number) {
    const { results } = await db
      .prepare(
        `UPDATE webhook_events SET attempts = attempts + 1, lease_until = ?1 + ${5 * MIN} WHERE message_id IN (
       SELECT message_id FROM webhook_events WHERE processed_at IS NULL AND received_at < ?1 - ${LOST_AFTER_MS} AND body IS NOT NULL AND attempts < ${MAX_RERUNS}
         AND (lease_until IS NULL OR lease_until < ?1) LIMIT ?2)
     RETURNING message_id, type, subscription_id, sent_at, body`,
      )
      .bind(now, limit)
      .all<{ message_id: string; type: EventType; subscription_id: string | null; sent_at: number; body: string }>();
    return results;
  },
};

/** The account's newest events for its activity page: type, times and our outcome, never the body. */
export async function webhookEventsOf(db: D1Database, accountId: number, limit: number) {
  const { results } = await db
    .prepare(
      "SELECT type, received_at, processed_at, outcome FROM webhook_events WHERE broadcaster_user_id = ? ORDER BY received_at DESC LIMIT ?",
    )
    .bind(accountId, limit)
    .all<{ type: string; received_at: number; processed_at: number | null; outcome: string | null }>();
  return results;
}

/**
 * Retention: message ids after 7 days (Kick's retries arrive within minutes), delivered relays
 * after 7 days, dead ones after 30 (time to look and retry), in bounded batches. Returns the
 * events forgotten.
 */
export async function forgetOldDeliveries(db: D1Database, now: number): Promise<number> {
  const [events] = await db.batch([
    db
      .prepare(
        "DELETE FROM webhook_events WHERE rowid IN (SELECT rowid FROM webhook_events WHERE received_at < ? LIMIT 1000)",
      )
      .bind(now - 7 * DAY),
    db
      .prepare(
        "DELETE FROM relay_deliveries WHERE rowid IN (SELECT rowid FROM relay_deliveries WHERE (status = 'delivered' AND updated_at < ?1) OR (status = 'dead' AND updated_at < ?2) LIMIT 1000)",
      )
      .bind(now - 7 * DAY, now - 30 * DAY),
  ]);
  return events!.meta.changes;
}

/** A delivery claimed for one attempt: only the holder of `lease_id` may record its result. */
export interface ClaimedRelay {
  id: string;
  relay_id: string;
  /** NULL: queued for the cron, not claimed (the invocation's subrequests ran out). */
  lease_id: string | null;
  attempts: number;
  body: string;
  /** The relay's, NULL once it is deleted. */
  url: string | null;
  secret: string | null;
  /** The secret before the last rotation, and until when it still signs. */
  previous_secret: string | null;
  previous_secret_until: number | null;
  disabled_at: number | null;
}

export interface RelayResult {
  id: string;
  relay_id: string;
  lease_id: string;
  status: "delivered" | "pending" | "dead";
  http_status: number | null;
  /** Why no answer came, as a class (RELAY_FAILURES); null when the receiver answered. */
  error: RelayFailure | null;
  next_attempt_at: number | null;
}

// The relay's url, secrets and state come along (NULL once the relay is deleted), so a claim is ready to send.
const RELAY_COLUMNS = `id, relay_id, lease_id, attempts, body, (SELECT url FROM relays WHERE relays.id = relay_id) AS url,
  (SELECT secret FROM relays WHERE relays.id = relay_id) AS secret, (SELECT previous_secret FROM relays WHERE relays.id = relay_id) AS previous_secret,
  (SELECT previous_secret_until FROM relays WHERE relays.id = relay_id) AS previous_secret_until,
  (SELECT disabled_at FROM relays WHERE relays.id = relay_id) AS disabled_at`;

/** How long a claim holds: every attempt of the batch may take the whole timeout, one after another. */
const leaseEnd = (claimedAt: number, count: number) => claimedAt + count * RELAY_POLICY.timeoutMs + 5_000;

/**
 * Queues one delivery per enabled relay of the account that wants this event type. The first
 * `firstTries` are claimed for their first attempt by the caller (lease `leaseId`: the cron
 * sends them if the invocation dies); the rest are left due now, for the cron, because this
 * invocation has no subrequests left for them. Returns them all, ready to send.
 */
export function enqueueRelays(
  db: D1Database,
  e: {
    accountId: number;
    messageId: string;
    type: string;
    body: string;
    leaseId: string;
    firstTries: number;
    now: number;
  },
): D1PreparedStatement {
  // The lease covers the steps that run before the sends (up to 3 timeouts), then the sends, six at a time.
  const lease = leaseEnd(e.now, 3 + Math.ceil(e.firstTries / RELAY_POLICY.concurrency));
  // Chat is named or nothing: `*` matches every event type but these.
  const namedOnly = NAMED_ONLY_EVENTS.map((t) => `'${t}'`).join(", ");
  return (
    db
      .prepare(
        `INSERT INTO relay_deliveries (id, relay_id, message_id, body, status, attempts, next_attempt_at, lease_id, created_at, updated_at)
       SELECT ?1 || '-' || id, id, ?1, ?2, 'pending', n <= ?8, CASE WHEN n <= ?8 THEN ?3 ELSE ?7 END, CASE WHEN n <= ?8 THEN ?6 END, ?7, ?7
       FROM (SELECT r.id, ROW_NUMBER() OVER (ORDER BY r.id) AS n FROM relays r
         WHERE r.account_id = ?4 AND r.disabled_at IS NULL
           AND EXISTS (SELECT 1 FROM json_each(r.events) WHERE value = ?5 OR (value = '*' AND ?5 NOT IN (${namedOnly})))
         ORDER BY r.id LIMIT ?9)
       WHERE true
       ON CONFLICT (relay_id, message_id) DO NOTHING RETURNING ${RELAY_COLUMNS}`,
      )
      // The ceiling holds even for relays made before the per-account cap existed.
      .bind(
        e.messageId,
        e.body,
        lease,
        e.accountId,
        e.type,
        e.leaseId,
        e.now,
        e.firstTries,
        RELAY_POLICY.maxRelaysPerAccount,
      )
  );
}

/** Claims up to `limit` deliveries whose retry time has come (one statement), for the cron. */
export async function claimDueRelays(db: D1Database, limit: number, claimedAt: number): Promise<ClaimedRelay[]> {
  if (limit < 1) return [];
  const { results } = await db
    .prepare(
      `UPDATE relay_deliveries SET attempts = attempts + 1, next_attempt_at = ?2, lease_id = ?3, updated_at = ?1
       WHERE id IN (SELECT id FROM relay_deliveries WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT ?4)
       RETURNING ${RELAY_COLUMNS}`,
    )
    .bind(claimedAt, leaseEnd(claimedAt, limit), crypto.randomUUID(), limit)
    .all<ClaimedRelay>();
  return results;
}

const RELAY_GONE_REASON =
  "The receiver answered 410 Gone (a deleted or turned-off Zap says so): it wants no more deliveries. Delete the relay and create it again to resume.";

/**
 * The statements that record attempts' results, for the caller's batch: each result only if
 * its lease still holds (a late answer never overwrites a newer attempt's); and every relay
 * whose receiver answered 410 Gone is disabled, with why.
 */
export function recordRelayResults(db: D1Database, results: RelayResult[], now: number): D1PreparedStatement[] {
  const json = JSON.stringify(results);
  return [
    db
      .prepare(
        `UPDATE relay_deliveries SET status = r.value ->> 'status', next_attempt_at = r.value ->> 'next_attempt_at', last_status = r.value ->> 'http_status',
         last_error = r.value ->> 'error', lease_id = NULL, updated_at = ?2
       FROM json_each(?1) AS r WHERE relay_deliveries.id = r.value ->> 'id' AND relay_deliveries.lease_id = r.value ->> 'lease_id'`,
      )
      .bind(json, now),
    db
      .prepare(
        `UPDATE relays SET disabled_at = ?2, disabled_reason = ?4
       WHERE disabled_at IS NULL AND id IN (SELECT value ->> 'relay_id' FROM json_each(?1) WHERE value ->> 'http_status' = ?3)`,
      )
      .bind(json, now, RELAY_POLICY.goneStatus, RELAY_GONE_REASON),
  ];
}

/**
 * What a delivery's last attempt came to, as a class: `2xx` to `5xx`, or why nothing answered.
 * Never the status itself nor the network's words: the list would otherwise tell an open port
 * from a closed one, host by host, to whoever may create relays.
 */
function lastResult(status: number | null, error: string | null): string | null {
  if (status !== null) return `${Math.floor(status / 100)}xx`;
  if (error === null) return null;
  return (RELAY_FAILURES as readonly string[]).includes(error) ? error : "unreachable";
}

/** The account's deliveries, newest first (status "dead": the dead letters). */
export async function relayDeliveriesOf(
  db: D1Database,
  accountId: number,
  status: "pending" | "delivered" | "dead" | null,
  limit: number,
) {
  const { results } = await db
    .prepare(
      `SELECT d.id, r.name AS relay, d.message_id, d.status, d.attempts, d.last_status, d.last_error, d.next_attempt_at, d.updated_at, d.body ->> 'type' AS type
       FROM relay_deliveries d JOIN relays r ON r.id = d.relay_id WHERE r.account_id = ?1 AND (?2 IS NULL OR d.status = ?2) ORDER BY d.updated_at DESC LIMIT ?3`,
    )
    .bind(accountId, status, limit)
    .all<{
      id: string;
      relay: string;
      message_id: string;
      type: string;
      status: string;
      attempts: number;
      last_status: number | null;
      last_error: string | null;
      next_attempt_at: number | null;
      updated_at: number;
    }>();
  return results.map(({ last_status, last_error, ...row }) => ({
    ...row,
    last_result: lastResult(last_status, last_error),
  }));
}

/**
 * Row writes one processing of an event makes at most, index entries aside (docs/webhooks.md):
 * its webhook_events row twice (inserted by the intake or claimed by a re-run, then marked
 * processed); per relay, its delivery inserted and its result recorded, and the relay disabled
 * after a 410; a chat reply's cooldown slot or the go-live claim, each taken and then
 * completed or given back (go-live has no reply, so never both); the alert for the overlay
 * (follows, subs, gifts, KICKs, redemptions). A KICKs snapshot comes on top, at most one per
 * 30 s per channel.
 */
export const maxRowWritesPerEvent = (relays: number) => 2 + 3 * relays + 2 + 1;

/** Puts a dead delivery of the account back in the queue, due now; false when there is no such dead delivery. */
export async function requeueDeadDelivery(
  db: D1Database,
  accountId: number,
  id: string,
  now: number,
): Promise<boolean> {
  const requeued = await db
    .prepare(
      "UPDATE relay_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?1, lease_id = NULL, updated_at = ?1 WHERE id = ?2 AND status = 'dead' AND relay_id IN (SELECT id FROM relays WHERE account_id = ?3)",
    )
    .bind(now, id, accountId)
    .run();
  return requeued.meta.changes !== 0;
}

export const subscriptionSyncs = {
  /** One sync per account at a time (two at once would both create what is missing); false while one runs. */
  async lease(db: D1Database, accountId: number, now: number): Promise<boolean> {
    const leased = await db
      .prepare(
        `INSERT INTO subscription_syncs (account_id, synced_at, summary, lease_until) VALUES (?1, ?2, '{}', ?2 + 60000)
     ON CONFLICT (account_id) DO UPDATE SET lease_until = excluded.lease_until WHERE lease_until IS NULL OR lease_until < ?2`,
      )
      .bind(accountId, now)
      .run();
    return leased.meta.changes !== 0;
  },

  /** Records the attempt and ends the lease; failed attempts too, so a failing account waits its turn. */
  async record(db: D1Database, accountId: number, syncedAt: number, summary: string): Promise<void> {
    await db
      .prepare("UPDATE subscription_syncs SET synced_at = ?2, summary = ?3, lease_until = NULL WHERE account_id = ?1")
      .bind(accountId, syncedAt, summary)
      .run();
  },
};

/**
 * Connected broadcasters not synced since `syncedBefore`, never-synced first, then least
 * recently (the webhooks cron; apart from `subscriptionSyncs`, which both Workers use).
 */
export async function accountsDueForSync(db: D1Database, syncedBefore: number, limit: number): Promise<Account[]> {
  const { results } = await db
    .prepare(
      `SELECT a.* FROM accounts a LEFT JOIN subscription_syncs s ON s.account_id = a.id
     WHERE a.role = 'broadcaster' AND a.needs_reconnect = 0 AND (s.synced_at IS NULL OR s.synced_at <= ?) ORDER BY s.synced_at IS NOT NULL, s.synced_at LIMIT ?`,
    )
    .bind(syncedBefore, limit)
    .all<AccountRow>();
  return results.map(accountFromRow);
}
