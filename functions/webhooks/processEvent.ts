import { accountFromResult, accountStatement } from "../../shared/storage/accountsStore";
import { autoAnnounceStatement, replySlots } from "../../shared/storage/rulesStore";
import { enqueueRelays, recordRelayResults, webhookEvents, type ClaimedRelay } from "../../shared/storage/webhookStore";
import { announceOnce } from "../../shared/announce/announceOnce";
import { kickContextFor, type KickContext } from "../../shared/announce/KickContext";
import { CHAT_ENDPOINTS } from "../../shared/kick/schemas/chat";
import { KICKS_ENDPOINTS } from "../../shared/kick/schemas/kicks";
import { LIVESTREAM_ENDPOINTS } from "../../shared/kick/schemas/livestreams";
import { kicksLastSeenAt } from "../../shared/storage/leaderboardStore";
import { takeSnapshot } from "../../shared/leaderboard/takeSnapshot";
import { keyRing } from "../../shared/tokens/encryptionKeys";
import { errorLabel } from "../../shared/log";
import { broadcasterOf } from "../../shared/webhooks/eventFacts";
import { normalizeEvent } from "../../shared/webhooks/normalizeEvent";
import type { Delivery } from "../../shared/webhooks/readDelivery";
import { sendRelay } from "../../shared/webhooks/relayDeliveries";
import { replyToEvent } from "../../shared/webhooks/replyToEvent";
import type { WebhooksEnv } from "./settings";

/** A burst of gifts takes one leaderboard snapshot, not one per gift (the cron covers the rest). */
const SNAPSHOT_DEBOUNCE_MS = 30_000;

interface Rules {
  reply: boolean;
  announce: boolean;
}

type Step = (ctx: KickContext, d: Delivery, rules: Rules, rerun: boolean) => Promise<unknown>;

/**
 * What an accepted event sets off, as a table: each step decides for itself whether the
 * event concerns it, runs on its own (one failing does not stop the rest), and reports.
 */
const STEPS: Record<string, Step> = {
  // Go-live: the same once-per-stream claim as the cron detector and the button.
  async announce(ctx, d, rules) {
    if (
      d.type !== "livestream.status.updated" ||
      !(d.payload as { is_live: boolean }).is_live ||
      ctx.account.role !== "broadcaster"
    )
      return "not_go_live";
    if (!rules.announce) return "no_rule";
    const result = await announceOnce({ ...ctx, input: {} }, "webhook");
    return result.posted ? "posted" : result.reason;
  },
  async snapshot(ctx, d) {
    if (d.type !== "kicks.gifted") return "not_kicks";
    if (!ctx.account.scopes.includes("kicks:read")) return "no_scope";
    const last = await kicksLastSeenAt(ctx.env.DB, ctx.account.id);
    if (last !== null && ctx.now - last < SNAPSHOT_DEBOUNCE_MS) return "recent";
    return (await takeSnapshot(ctx.env.DB, ctx.kick, ctx.account.id, ctx.now)).changed;
  },
  // A re-run comes minutes late, and may follow a reply already posted: replies are not repeated.
  reply: (ctx, d, rules, rerun) =>
    !rules.reply ? Promise.resolve("no_rule") : rerun ? Promise.resolve("skipped_on_rerun") : replyToEvent(ctx, d),
};

/**
 * Runs an accepted event: one D1 round trip reads the account and its rules and queues the
 * relay deliveries (claimed for their first attempt, so the cron sends them if this
 * invocation dies); then the steps; then the relays, sent at once; finally the outcome is
 * recorded with the relay results. `rerun`: the cron re-running an event a lost waitUntil left.
 */
export async function processEvent(
  env: WebhooksEnv,
  delivery: Delivery,
  rerun = false,
): Promise<Record<string, unknown>> {
  const now = Date.now();
  const broadcasterId = broadcasterOf(delivery.payload) ?? -1;
  const leaseId = crypto.randomUUID();
  const [accountRows, replyRows, announceRows, queued] = await env.DB.batch<unknown>([
    accountStatement(env.DB, broadcasterId),
    replySlots.existsStatement(env.DB, broadcasterId, delivery.type),
    autoAnnounceStatement(env.DB, broadcasterId),
    enqueueRelays(
      env.DB,
      broadcasterId,
      delivery.messageId,
      delivery.type,
      JSON.stringify(normalizeEvent(delivery)),
      leaseId,
      now,
    ),
  ]);
  const account = accountFromResult(accountRows!);
  const outcome: Record<string, unknown> = {};
  if (!account) outcome.account = "not_connected";
  else {
    // What the steps call at Kick: chat (replies, announce), live status (announce), KICKs (snapshots).
    const ctx = kickContextFor(env, account, now, { ...CHAT_ENDPOINTS, ...LIVESTREAM_ENDPOINTS, ...KICKS_ENDPOINTS });
    const rules = { reply: replyRows!.results.length > 0, announce: announceRows!.results.length > 0 };
    for (const [name, step] of Object.entries(STEPS)) {
      try {
        outcome[name] = await step(ctx, delivery, rules, rerun);
      } catch (error) {
        outcome[name] = { error: errorLabel(error) };
      }
    }
  }

  const claimed = queued!.results as ClaimedRelay[];
  const ring = claimed.length ? await keyRing(env) : null;
  const results = await Promise.all(claimed.map((c) => sendRelay(ring!, c)));
  outcome.relays = results.map((r) => r.status);
  await env.DB.batch([
    ...(results.length ? [recordRelayResults(env.DB, results, Date.now())] : []),
    webhookEvents.processedStatement(env.DB, delivery.messageId, JSON.stringify(outcome), Date.now()),
  ]);
  console.log(
    JSON.stringify({ event: "webhook_processed", type: delivery.type, message_id: delivery.messageId, rerun, outcome }),
  );
  return outcome;
}
