import { parsePayload } from "../../shared/webhooks/readDelivery";
import { keyRing } from "../../shared/tokens/encryptionKeys";
import { logError } from "../../shared/log";
import { reconcileSubscriptions } from "../../shared/webhooks/reconcileSubscriptions";
import { retryDueRelays } from "../../shared/webhooks/relayDeliveries";
import { accountsDueForSync, forgetOldDeliveries, webhookEvents } from "../../shared/storage/webhookStore";
import { processEvent } from "./processEvent";
import { cronSettings, type WebhooksEnv } from "./settings";

const MIN = 60_000;

/**
 * Per run, within the Free plan's 50 D1 queries and 50 subrequests: relays every minute (20
 * sends: 20 subrequests, 2 queries); then on even minutes subscription syncs (4 accounts, 3
 * Kick calls and 5 queries each), on odd minutes re-runs of lost events (3, each at most ~8
 * queries and ~6 Kick calls); retention once an hour.
 */
const SYNCS_PER_RUN = 4;
const RERUNS_PER_RUN = 3;

export interface WebhooksCronSummary {
  event: "webhooks_cron";
  relays_retried: number;
  relays_delivered: number;
  relays_dead: number;
  subscriptions_synced: number;
  sync_errors: number;
  events_rerun: number;
  events_forgotten: number;
}

/** The minute cron: relay retries, then subscription syncs or lost-event re-runs, and hourly retention. */
export async function runWebhooksCron(env: WebhooksEnv, now = Date.now()): Promise<WebhooksCronSummary> {
  const summary: WebhooksCronSummary = {
    event: "webhooks_cron",
    relays_retried: 0,
    relays_delivered: 0,
    relays_dead: 0,
    subscriptions_synced: 0,
    sync_errors: 0,
    events_rerun: 0,
    events_forgotten: 0,
  };
  const results = await retryDueRelays(env.DB, await keyRing(env), now);
  summary.relays_retried = results.length;
  summary.relays_delivered = results.filter((r) => r.status === "delivered").length;
  summary.relays_dead = results.filter((r) => r.status === "dead").length;

  const minute = Math.floor(now / MIN);
  if (minute % 2 === 0) await syncSubscriptions(env, now, summary);
  else summary.events_rerun = await rerunLostEvents(env, now);
  if (minute % 60 === 0) summary.events_forgotten = await forgetOldDeliveries(env.DB, now);
  console.log(JSON.stringify(summary));
  return summary;
}

/** The accounts least recently synced (failed attempts count, so a failing account waits its turn). */
async function syncSubscriptions(env: WebhooksEnv, now: number, summary: WebhooksCronSummary) {
  const { kick: config, subscriptionSyncMs } = cronSettings(env);
  const due = await accountsDueForSync(env.DB, now - subscriptionSyncMs, SYNCS_PER_RUN);
  for (const account of due) {
    try {
      const sync = await reconcileSubscriptions(env, config, account, now);
      summary.subscriptions_synced++;
      summary.sync_errors += sync.errors.length;
    } catch (error) {
      summary.sync_errors++;
      logError("subscription_sync_error", error, { account: account.id });
    }
  }
}

/**
 * Events accepted but never processed (the isolate died, waitUntil ran out): claimed with a
 * lease, parsed again from the stored body, and run again (a few times at most).
 */
async function rerunLostEvents(env: WebhooksEnv, now: number): Promise<number> {
  const results = await webhookEvents.claimLost(env.DB, now, RERUNS_PER_RUN);
  for (const e of results) {
    let payload;
    try {
      payload = parsePayload(e.type, e.body);
    } catch {
      continue; // read when it arrived; only a schema changed since could refuse it now
    }
    await processEvent(
      env,
      {
        messageId: e.message_id,
        subscriptionId: e.subscription_id,
        type: e.type,
        version: 1,
        sentAt: e.sent_at,
        rawBody: e.body,
        payload,
      },
      true,
    );
  }
  return results.length;
}
