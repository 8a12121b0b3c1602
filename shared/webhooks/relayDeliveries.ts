import { ulid } from "../encoding/ulid";
import type { KeyRing } from "../tokens/encryptionKeys";
import { unseal } from "../tokens/seal";
import type { EventType } from "../kick/schemas/events";
import { RELAY_POLICY } from "./relayPolicy";
import { signRelayBody } from "./signRelayBody";

export interface RelayAttempt {
  id: string;
  status: "delivered" | "pending" | "dead" | "skipped";
  http_status?: number;
  error?: string;
}

/** The context a relay secret is sealed under: a sealed secret copied to another relay does not open. */
export const relaySecretContext = (relayId: string) => `relay:${relayId}`;

/** Queues one delivery per relay of the account that wants this event type; returns their ids. */
export async function enqueueRelays(db: D1Database, accountId: number, messageId: string, type: EventType, body: string, now: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `INSERT INTO relay_deliveries (id, relay_id, message_id, body, status, attempts, next_attempt_at, created_at, updated_at)
       SELECT ?1 || '-' || r.id, r.id, ?1, ?2, 'pending', 0, ?3, ?3, ?3 FROM relays r
       WHERE r.account_id = ?4 AND EXISTS (SELECT 1 FROM json_each(r.events) WHERE value IN ('*', ?5))
       ON CONFLICT (relay_id, message_id) DO NOTHING RETURNING id`,
    )
    .bind(messageId, body, now, accountId, type)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/**
 * One attempt at one delivery. The claim (a conditional UPDATE that pushes next_attempt_at
 * past the attempt's timeout) makes sure the intake's waitUntil and the cron never send the
 * same delivery at once. The outcome decides: delivered, retried later, or dead.
 */
export async function attemptRelay(db: D1Database, ring: KeyRing, id: string, now: number): Promise<RelayAttempt> {
  const claimed = await db
    .prepare(
      `UPDATE relay_deliveries SET attempts = attempts + 1, next_attempt_at = ?2, updated_at = ?3
       WHERE id = ?1 AND status = 'pending' AND next_attempt_at <= ?3
       RETURNING attempts, body, (SELECT url FROM relays WHERE id = relay_id) AS url, (SELECT secret FROM relays WHERE id = relay_id) AS secret, relay_id`,
    )
    .bind(id, now + RELAY_POLICY.timeoutMs + 5_000, now)
    .first<{ attempts: number; body: string; url: string | null; secret: string | null; relay_id: string }>();
  if (!claimed?.url || !claimed.secret) return { id, status: "skipped" };

  let httpStatus: number | undefined;
  let error: string | undefined;
  try {
    const secret = await unseal(ring, claimed.secret, relaySecretContext(claimed.relay_id));
    const response = await fetch(claimed.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "kick-edge-relay/1",
        "x-kick-edge-event": JSON.parse(claimed.body).type,
        "x-kick-edge-delivery": id,
        "x-kick-edge-signature": await signRelayBody(secret, claimed.body, now),
      },
      body: claimed.body,
      signal: AbortSignal.timeout(RELAY_POLICY.timeoutMs),
      redirect: "manual",
    });
    await response.body?.cancel();
    httpStatus = response.status;
    if (response.status >= 300) error = `answered ${response.status}`;
  } catch (e) {
    // Only the error's kind: a message could echo the URL, which may carry a Zap's secret path.
    error = (e as Error).name === "TimeoutError" ? "timed out" : `could not connect (${(e as Error).name})`;
  }

  const delivered = httpStatus !== undefined && httpStatus >= 200 && httpStatus < 300;
  const retryable = !delivered && (httpStatus === undefined || RELAY_POLICY.retryable(httpStatus));
  const wait = RELAY_POLICY.delaysMs[claimed.attempts];
  const status = delivered ? "delivered" : retryable && wait !== undefined ? "pending" : "dead";
  await db
    .prepare("UPDATE relay_deliveries SET status = ?2, next_attempt_at = ?3, last_status = ?4, last_error = ?5, updated_at = ?6 WHERE id = ?1")
    .bind(id, status, status === "pending" ? now + wait! : null, httpStatus ?? null, error ?? null, now)
    .run();
  return { id, status, http_status: httpStatus, error };
}

/** The cron's share: deliveries whose retry time has come, oldest first, a bounded number a run. */
export async function retryDueRelays(db: D1Database, ring: KeyRing, now: number): Promise<RelayAttempt[]> {
  const { results } = await db
    .prepare("SELECT id FROM relay_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?")
    .bind(now, RELAY_POLICY.perRun)
    .all<{ id: string }>();
  const attempts: RelayAttempt[] = [];
  for (const { id } of results) attempts.push(await attemptRelay(db, ring, id, now));
  return attempts;
}

export const newRelayId = (now: number) => ulid(now).toLowerCase();
