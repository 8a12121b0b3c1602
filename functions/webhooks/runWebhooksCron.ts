import { parsePayload } from "../../shared/webhooks/readDelivery";
import { keyRing } from "../../shared/tokens/encryptionKeys";
import { logError } from "../../shared/log";
import { InvocationBudget } from "../../shared/refresh/invocationBudget";
import { reconcileSubscriptions } from "../../shared/webhooks/reconcileSubscriptions";
import { retryDueRelays } from "../../shared/webhooks/relayDeliveries";
import { INVOCATION_COSTS } from "../../shared/webhooks/relayPolicy";
import { accountsDueForSync, forgetOldDeliveries, webhookEvents } from "../../shared/storage/webhookStore";
import { processEvent } from "./processEvent";
import { cronSettings, type WebhooksEnv } from "./settings";

const MIN = 60_000;

/**
 * Per run, within the Free plan's 50 subrequests (counted: InvocationBudget) and 50 D1
 * queries: on even minutes subscription syncs (up to 4 accounts, 6 queries each, each started
 * only while its worst case still fits), on odd minutes re-runs of lost events (up to 3, each
 * at most ~10 queries, its steps charged at their worst and its relays taking what is left);
 * then relay retries with the subrequests that remain (at most 20, 2 queries); retention once
 * an hour. Whatever does not fit waits for the next run.
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
  /** Subrequests this run spent or set aside (at most FREE_PLAN_LIMITS.subrequests). */
  subrequests: number;
}

/** The minute cron: subscription syncs or lost-event re-runs, then relay retries, and hourly retention. */
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
    subrequests: 0,
  };
  const budget = new InvocationBudget();
  const minute = Math.floor(now / MIN);
  if (minute % 2 === 0) await syncSubscriptions(env, now, summary, budget);
  else summary.events_rerun = await rerunLostEvents(env, now, budget);

  const results = await retryDueRelays(env.DB, await keyRing(env), now, cronSettings(env).httpHosts, budget);
  summary.relays_retried = results.length;
  summary.relays_delivered = results.filter((r) => r.status === "delivered").length;
  summary.relays_dead = results.filter((r) => r.status === "dead").length;
  if (minute % 60 === 0) summary.events_forgotten = await forgetOldDeliveries(env.DB, now);
  summary.subrequests = budget.used.subrequests;
  console.log(JSON.stringify(summary));
  return summary;
}

const SYNC = { subrequests: INVOCATION_COSTS.subscriptionSync, kvOps: 0, d1Queries: 0 };
const RERUN = { subrequests: INVOCATION_COSTS.eventSteps, kvOps: 0, d1Queries: 0 };

/**
 * The accounts least recently synced (failed attempts count, so a failing account waits its
 * turn). Their Kick calls are counted one by one; an account whose worst case no longer fits
 * waits for the next even minute.
 */
async function syncSubscriptions(
  env: WebhooksEnv,
  now: number,
  summary: WebhooksCronSummary,
  budget: InvocationBudget,
) {
  const { kick, subscriptionSyncMs } = cronSettings(env);
  const config = { ...kick, fetch: budget.meterFetch(kick.fetch) };
  const due = await accountsDueForSync(env.DB, now - subscriptionSyncMs, SYNCS_PER_RUN);
  for (const account of due) {
    if (budget.fits(SYNC) < 1) break;
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
 * Events accepted but never processed (the isolate died, waitUntil ran out): claimed one at a
 * time with a lease while the budget still covers one more event's steps, parsed again from
 * the stored body, and run again (a few times at most).
 */
async function rerunLostEvents(env: WebhooksEnv, now: number, budget: InvocationBudget): Promise<number> {
  const { httpHosts } = cronSettings(env);
  let rerun = 0;
  while (rerun < RERUNS_PER_RUN && budget.fits(RERUN) > 0) {
    const [e] = await webhookEvents.claimLost(env.DB, now, 1);
    if (!e) break;
    rerun++;
    let payload;
    try {
      payload = parsePayload(e.type, e.body);
    } catch {
      continue; // read when it arrived; only a schema changed since could refuse it now
    }
    const delivery = {
      messageId: e.message_id,
      subscriptionId: e.subscription_id,
      type: e.type,
      version: 1 as const,
      sentAt: e.sent_at,
      rawBody: e.body,
      payload,
    };
    try {
      await processEvent(env, delivery, { budget, httpHosts, rerun: true });
    } catch (error) {
      // The relay retries after this must still run; the lease lets a later run try the event again.
      logError("event_rerun_error", error, { message_id: e.message_id });
    }
  }
  return rerun;
}
