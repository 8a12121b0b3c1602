import { randomToken, ulid } from "../encoding";
import { claimDueRelays, recordRelayResults, type ClaimedRelay, type RelayResult } from "../storage/webhookStore";
import type { InvocationBudget } from "../refresh/invocationBudget";
import { SealError, type KeyRing } from "../tokens/encryptionKeys";
import { seal, unseal } from "../tokens/seal";
import { INVOCATION_COSTS, RELAY_POLICY, type RelayFailure } from "./relayPolicy";
import { relayUrlProblem } from "./relayTarget";
import { signRelayBody } from "./signatures";

/** The context a relay secret is sealed under: a sealed secret copied to another relay does not open. */
export const relaySecretContext = (relayId: string) => `relay:${relayId}`;

export const newRelayId = (now: number) => ulid(now).toLowerCase();

/** A new signing secret for a relay (made or rotated), and the same sealed for D1 (only the sender can open it). */
export async function issueRelaySecret(ring: KeyRing, relayId: string) {
  const secret = `whsec_${randomToken(24)}`;
  return { secret, sealed: await seal(ring, secret, relaySecretContext(relayId)) };
}

/** Charges work this Worker does not meter call by call (Kick's key, an event's steps), at its worst. */
export const charge = (budget: InvocationBudget, subrequests: number) => void (budget.used.subrequests += subrequests);

/** How many relay sends the invocation's subrequests still allow. */
export const sendsLeft = (budget: InvocationBudget) =>
  budget.fits({ subrequests: INVOCATION_COSTS.relaySend, kvOps: 0, d1Queries: 0 });

/** A clock: the time now, as the caller counts it. */
export type Clock = () => number;

/** The secrets a delivery is signed with: the relay's, then during a rotation's overlap the one before it. */
async function signingSecrets(ring: KeyRing, claimed: ClaimedRelay, now: number): Promise<string[]> {
  const context = relaySecretContext(claimed.relay_id);
  const secrets = [await unseal(ring, claimed.secret!, context)];
  if (claimed.previous_secret && (claimed.previous_secret_until ?? 0) > now)
    secrets.push(await unseal(ring, claimed.previous_secret, context));
  return secrets;
}

/**
 * One attempt: POST the body, signed, and decide from the answer (nothing is written here).
 * The URL is checked again first (`httpHosts`: RELAY_HTTP_HOSTS), so a relay made under other
 * settings never reaches a host they no longer allow.
 */
export async function sendRelay(
  ring: KeyRing,
  claimed: ClaimedRelay,
  httpHosts: string,
  clock: Clock = Date.now,
): Promise<RelayResult> {
  let httpStatus: number | null = null;
  let error: RelayFailure | null = null;
  if (!claimed.url || !claimed.secret) error = "relay_deleted";
  else if (claimed.disabled_at !== null) error = "relay_disabled";
  else if (relayUrlProblem(claimed.url, httpHosts)) error = "target_refused";
  else
    try {
      const secrets = await signingSecrets(ring, claimed, clock());
      const response = await fetch(claimed.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "kick-edge-relay/1",
          "x-kick-edge-event": (JSON.parse(claimed.body) as { type: string }).type,
          "x-kick-edge-delivery": claimed.id,
          "x-kick-edge-signature": await signRelayBody(secrets, claimed.body, clock()),
        },
        body: claimed.body,
        signal: AbortSignal.timeout(RELAY_POLICY.timeoutMs),
        // A redirect could point anywhere; the receiver's URL is the one that was configured.
        redirect: "manual",
      });
      await response.body?.cancel();
      httpStatus = response.status;
    } catch (e) {
      // Only a class: the error's words could echo the URL (a Zap's secret path) or describe the network.
      error = e instanceof SealError ? "secret_unreadable" : "unreachable";
    }
  const now = clock();
  const delivered = httpStatus !== null && httpStatus >= 200 && httpStatus < 300;
  const retryable = !delivered && (httpStatus === null ? error === "unreachable" : RELAY_POLICY.retryable(httpStatus));
  const wait = RELAY_POLICY.delaysMs[claimed.attempts];
  const status = delivered ? "delivered" : retryable && wait !== undefined ? "pending" : "dead";
  return {
    id: claimed.id,
    relay_id: claimed.relay_id,
    lease_id: claimed.lease_id!,
    status,
    http_status: httpStatus,
    error,
    next_attempt_at: status === "pending" ? now + wait! : null,
  };
}

/** Sends claimed deliveries six at a time (Workers' open-connection limit), each charged to the budget. */
export async function sendRelays(
  ring: KeyRing,
  claimed: ClaimedRelay[],
  httpHosts: string,
  budget: InvocationBudget,
  clock: Clock = Date.now,
): Promise<RelayResult[]> {
  const results: RelayResult[] = [];
  for (let i = 0; i < claimed.length; i += RELAY_POLICY.concurrency) {
    const batch = claimed.slice(i, i + RELAY_POLICY.concurrency);
    charge(budget, batch.length * INVOCATION_COSTS.relaySend);
    results.push(...(await Promise.all(batch.map((c) => sendRelay(ring, c, httpHosts, clock)))));
  }
  return results;
}

/**
 * The cron's share: claim what is due at `now` (its scheduled time, running on in real time),
 * as many as the run's budget leaves room for (at most RELAY_POLICY.perRun; the rest wait for
 * the next run), send them, record the results in one batch.
 */
export async function retryDueRelays(
  db: D1Database,
  ring: KeyRing,
  now: number,
  httpHosts: string,
  budget: InvocationBudget,
): Promise<RelayResult[]> {
  const offset = now - Date.now();
  const clock = () => Date.now() + offset;
  const claimed = await claimDueRelays(db, Math.min(RELAY_POLICY.perRun, sendsLeft(budget)), clock());
  const results = await sendRelays(ring, claimed, httpHosts, budget, clock);
  if (results.length) await db.batch(recordRelayResults(db, results, clock()));
  return results;
}
