import { ulid } from "../encoding/ulid";
import type { KeyRing } from "../tokens/encryptionKeys";
import { unseal } from "../tokens/seal";
import { RELAY_POLICY } from "./relayPolicy";
import { signRelayBody } from "./signRelayBody";

/** A delivery claimed for one attempt: only the holder of `lease_id` may record its result. */
export interface ClaimedRelay {
  id: string;
  relay_id: string;
  lease_id: string;
  attempts: number;
  body: string;
  url: string | null;
  secret: string | null;
}

export interface RelayResult {
  id: string;
  lease_id: string;
  status: "delivered" | "pending" | "dead";
  http_status: number | null;
  error: string | null;
  next_attempt_at: number | null;
}

/** The context a relay secret is sealed under: a sealed secret copied to another relay does not open. */
export const relaySecretContext = (relayId: string) => `relay:${relayId}`;

export const newRelayId = (now: number) => ulid(now).toLowerCase();

const RELAY_COLUMNS =
  "id, relay_id, lease_id, attempts, body, (SELECT url FROM relays WHERE relays.id = relay_id) AS url, (SELECT secret FROM relays WHERE relays.id = relay_id) AS secret";

/** How long a claim holds: every attempt of the batch may take the whole timeout, one after another. */
const leaseEnd = (claimedAt: number, count: number) => claimedAt + count * RELAY_POLICY.timeoutMs + 5_000;

/**
 * Queues one delivery per relay of the account that wants this event type, already claimed
 * for its first attempt by the caller (lease `leaseId`); returns them, ready to send.
 */
export function enqueueRelays(
  db: D1Database,
  accountId: number,
  messageId: string,
  type: string,
  body: string,
  leaseId: string,
  now: number,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO relay_deliveries (id, relay_id, message_id, body, status, attempts, next_attempt_at, lease_id, created_at, updated_at)
       SELECT ?1 || '-' || r.id, r.id, ?1, ?2, 'pending', 1, ?3, ?6, ?7, ?7 FROM relays r
       WHERE r.account_id = ?4 AND EXISTS (SELECT 1 FROM json_each(r.events) WHERE value IN ('*', ?5))
       ON CONFLICT (relay_id, message_id) DO NOTHING RETURNING ${RELAY_COLUMNS}`,
    )
    .bind(messageId, body, leaseEnd(now, 4), accountId, type, leaseId, now);
}

/** Claims up to `limit` deliveries whose retry time has come (one statement), for the cron. */
export async function claimDueRelays(db: D1Database, limit: number, claimedAt: number): Promise<ClaimedRelay[]> {
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

/** A clock: the time now, as the caller counts it. */
export type Clock = () => number;

/** One attempt: POST the body, signed, and decide from the answer (nothing is written here). */
export async function sendRelay(ring: KeyRing, claimed: ClaimedRelay, clock: Clock = Date.now): Promise<RelayResult> {
  let httpStatus: number | null = null;
  let error: string | null = null;
  try {
    if (!claimed.url || !claimed.secret) throw new Error("relay deleted");
    const secret = await unseal(ring, claimed.secret, relaySecretContext(claimed.relay_id));
    const response = await fetch(claimed.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "kick-edge-relay/1",
        "x-kick-edge-event": (JSON.parse(claimed.body) as { type: string }).type,
        "x-kick-edge-delivery": claimed.id,
        "x-kick-edge-signature": await signRelayBody(secret, claimed.body, clock()),
      },
      body: claimed.body,
      signal: AbortSignal.timeout(RELAY_POLICY.timeoutMs),
      // A redirect could point anywhere; the receiver's URL is the one that was configured.
      redirect: "manual",
    });
    await response.body?.cancel();
    httpStatus = response.status;
    if (response.status >= 300) error = `answered ${response.status}`;
  } catch (e) {
    // Only the error's kind: a message could echo the URL, which may carry a Zap's secret path.
    error = (e as Error).name === "TimeoutError" ? "timed out" : `could not connect (${(e as Error).name})`;
  }
  const now = clock();
  const delivered = httpStatus !== null && httpStatus >= 200 && httpStatus < 300;
  const retryable = !delivered && (httpStatus === null || RELAY_POLICY.retryable(httpStatus));
  const wait = RELAY_POLICY.delaysMs[claimed.attempts];
  const status = delivered ? "delivered" : retryable && wait !== undefined && claimed.url ? "pending" : "dead";
  return {
    id: claimed.id,
    lease_id: claimed.lease_id,
    status,
    http_status: httpStatus,
    error,
    next_attempt_at: status === "pending" ? now + wait! : null,
  };
}

/** Records results in one statement, each only if its lease still holds (a late answer never overwrites a newer attempt). */
export function recordRelayResults(db: D1Database, results: RelayResult[], now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE relay_deliveries SET status = r.value ->> 'status', next_attempt_at = r.value ->> 'next_attempt_at', last_status = r.value ->> 'http_status',
         last_error = r.value ->> 'error', lease_id = NULL, updated_at = ?2
       FROM json_each(?1) AS r WHERE relay_deliveries.id = r.value ->> 'id' AND relay_deliveries.lease_id = r.value ->> 'lease_id'`,
    )
    .bind(JSON.stringify(results), now);
}

/**
 * The cron's share: claim what is due at `now` (its scheduled time, running on in real time),
 * send at most six at a time (Workers' open-connection limit), record in one statement.
 */
export async function retryDueRelays(db: D1Database, ring: KeyRing, now: number): Promise<RelayResult[]> {
  const offset = now - Date.now();
  const clock = () => Date.now() + offset;
  const claimed = await claimDueRelays(db, RELAY_POLICY.perRun, clock());
  const results: RelayResult[] = [];
  for (let i = 0; i < claimed.length; i += 6)
    results.push(...(await Promise.all(claimed.slice(i, i + 6).map((c) => sendRelay(ring, c, clock)))));
  if (results.length) await recordRelayResults(db, results, clock()).run();
  return results;
}
