import { accountFromRow, type AccountRow } from "../../shared/accounts/accounts";
import { kickConfigFromEnv } from "../../shared/kick/index";
import { keyRing } from "../../shared/tokens/encryptionKeys";
import { reconcileSubscriptions } from "../../shared/webhooks/reconcileSubscriptions";
import { retryDueRelays } from "../../shared/webhooks/relayDeliveries";
import type { WebhooksEnv } from "./WebhooksEnv";

const DAY = 86_400_000;
/** Subscription syncs per run: 3 Kick calls each, beside up to 25 relay retries, inside the Free plan's 50 subrequests. */
const SYNCS_PER_RUN = 8;

export interface WebhooksCronSummary {
  event: "webhooks_cron";
  relays_retried: number;
  relays_delivered: number;
  relays_dead: number;
  subscriptions_synced: number;
  sync_errors: number;
  events_forgotten: number;
}

/**
 * The minute cron: relay retries that are due, then the subscription reconciliation of the
 * accounts least recently synced (every SUBSCRIPTION_SYNC_MINUTES), then retention.
 */
export async function runWebhooksCron(env: WebhooksEnv, now = Date.now()): Promise<WebhooksCronSummary> {
  const summary: WebhooksCronSummary = { event: "webhooks_cron", relays_retried: 0, relays_delivered: 0, relays_dead: 0, subscriptions_synced: 0, sync_errors: 0, events_forgotten: 0 };
  const attempts = await retryDueRelays(env.DB, await keyRing(env), now);
  summary.relays_retried = attempts.filter((a) => a.status !== "skipped").length;
  summary.relays_delivered = attempts.filter((a) => a.status === "delivered").length;
  summary.relays_dead = attempts.filter((a) => a.status === "dead").length;

  const every = (Number(env.SUBSCRIPTION_SYNC_MINUTES) || 10) * 60_000;
  const { results } = await env.DB.prepare(
    `SELECT a.* FROM accounts a LEFT JOIN subscription_syncs s ON s.account_id = a.id
     WHERE a.role = 'broadcaster' AND a.needs_reconnect = 0 AND (s.synced_at IS NULL OR s.synced_at <= ?) ORDER BY s.synced_at IS NOT NULL, s.synced_at LIMIT ?`,
  )
    .bind(now - every, SYNCS_PER_RUN)
    .all<AccountRow>();
  const config = kickConfigFromEnv(env);
  for (const row of results) {
    try {
      const sync = await reconcileSubscriptions(env, config, accountFromRow(row), now);
      summary.subscriptions_synced++;
      summary.sync_errors += sync.errors.length;
    } catch (error) {
      summary.sync_errors++;
      console.error(JSON.stringify({ event: "subscription_sync_error", account: row.id, name: (error as Error).name, code: (error as { code?: string }).code }));
    }
  }

  const [events] = await env.DB.batch([
    env.DB.prepare("DELETE FROM webhook_events WHERE rowid IN (SELECT rowid FROM webhook_events WHERE received_at < ? LIMIT 1000)").bind(now - 7 * DAY),
    env.DB.prepare("DELETE FROM relay_deliveries WHERE rowid IN (SELECT rowid FROM relay_deliveries WHERE updated_at < ? AND (status = 'delivered' OR updated_at < ?) LIMIT 1000)").bind(
      now - 7 * DAY,
      now - 30 * DAY,
    ),
  ]);
  summary.events_forgotten = events!.meta.changes;
  console.log(JSON.stringify(summary));
  return summary;
}
