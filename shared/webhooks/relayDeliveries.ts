import { randomToken, ulid } from "../encoding";
import { claimDueRelays, recordRelayResults, type ClaimedRelay, type RelayResult } from "../storage/webhookStore";
import type { KeyRing } from "../tokens/encryptionKeys";
import { seal, unseal } from "../tokens/seal";
import { RELAY_POLICY } from "./relayPolicy";
import { signRelayBody } from "./signatures";

/** The context a relay secret is sealed under: a sealed secret copied to another relay does not open. */
export const relaySecretContext = (relayId: string) => `relay:${relayId}`;

export const newRelayId = (now: number) => ulid(now).toLowerCase();

/** A new relay's signing secret, and the same sealed for D1 (only the sender can open it). */
export async function issueRelaySecret(ring: KeyRing, relayId: string) {
  const secret = `whsec_${randomToken(24)}`;
  return { secret, sealed: await seal(ring, secret, relaySecretContext(relayId)) };
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
