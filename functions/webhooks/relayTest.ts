import { accountFromResult, accountStatement, type Account } from "../../shared/storage/accountsStore";
import { relayToSendStatement } from "../../shared/storage/rulesStore";
import type { ClaimedRelay } from "../../shared/storage/webhookStore";
import type { KeyRing } from "../../shared/tokens/encryptionKeys";
import { normalizeEvent } from "../../shared/webhooks/normalizeEvent";
import { newRelayId, sendRelay } from "../../shared/webhooks/relayDeliveries";
import type { RelayFailure } from "../../shared/webhooks/relayPolicy";

/**
 * How a test send went, and nothing more: never the secret nor the body. `status` is the
 * receiver's answer; `problem` why there was none (`relay_deleted` also for another account's
 * relay, so an id tells nothing).
 */
export interface RelayTestResult {
  ok: boolean;
  status?: number;
  ms: number;
  problem?: RelayFailure;
}

/**
 * A follow by a made-up viewer, normalized as real deliveries are, plus `"test": true`, which
 * the signature covers, so a receiver can tell it from a real follow.
 */
function sampleBody(account: Account, now: number) {
  const broadcaster = { user_id: account.id, username: account.username, channel_slug: null };
  const event = normalizeEvent({
    messageId: `test-${newRelayId(now)}`,
    subscriptionId: null,
    type: "channel.followed",
    version: 1,
    sentAt: now,
    rawBody: "",
    payload: { broadcaster, follower: { user_id: null, username: "kick_edge_test" } },
  });
  return { ...event, test: true };
}

/**
 * Sends a signed sample event to one of the account's relays now, through the very function
 * real deliveries go through (the URL checked again, the secrets unsealed, the timeout), and
 * keeps nothing: no delivery row, and a 410 disables nothing (only a real delivery's does).
 */
export async function sendRelayTest(
  db: D1Database,
  ring: KeyRing,
  httpHosts: string,
  accountId: number,
  relayId: string,
): Promise<RelayTestResult> {
  const now = Date.now();
  const [accountRows, relayRows] = await db.batch([
    accountStatement(db, accountId),
    relayToSendStatement(db, accountId, relayId),
  ]);
  const account = accountFromResult(accountRows!);
  const relay = relayRows!.results[0] as Omit<ClaimedRelay, "id" | "lease_id" | "attempts" | "body"> | undefined;
  if (!account || !relay) return { ok: false, ms: 0, problem: "relay_deleted" };
  const body = sampleBody(account, now);
  const started = Date.now();
  const sent = await sendRelay(
    ring,
    {
      ...relay,
      id: `${body.id}-${relay.relay_id}`,
      lease_id: "test",
      attempts: 0,
      body: JSON.stringify(body),
    },
    httpHosts,
  );
  const status = sent.http_status ?? undefined;
  return { ok: sent.status === "delivered", status, ms: Date.now() - started, problem: sent.error ?? undefined };
}
