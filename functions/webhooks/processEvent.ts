import { accountFromResult, accountStatement } from "../../shared/storage/accountsStore";
import { autoAnnounceStatement, replySlots } from "../../shared/storage/rulesStore";
import { enqueueRelays, recordRelayResults, webhookEvents, type ClaimedRelay } from "../../shared/storage/webhookStore";
import { alertStatement } from "../../shared/storage/alertsStore";
import { alertOf } from "../../shared/webhooks/alertOf";
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
import { charge, sendRelays, sendsLeft } from "../../shared/webhooks/relayDeliveries";
import { INVOCATION_COSTS } from "../../shared/webhooks/relayPolicy";
import type { InvocationBudget } from "../../shared/refresh/invocationBudget";
import { replyToEvent } from "../../shared/webhooks/replyToEvent";
import type { WebhooksEnv } from "./settings";

/** A burst of gifts takes one leaderboard snapshot, not one per gift (the cron covers the rest). */
const SNAPSHOT_DEBOUNCE_MS = 30_000;
/** Accounts whose snapshot this isolate is taking: gifts processed together (gather.ts) see it before D1 does. */
const snapshotting = new Set<number>();

interface Rules {
  reply: boolean;
  announce: boolean;
}

/** What a step came to, and the D1 row writes it made (maxRowWritesPerEvent counts them). */
type Step = (ctx: KickContext, d: Delivery, rules: Rules, rerun: boolean) => Promise<[outcome: unknown, rows: number]>;

/** A step that failed may have taken its slot or claim and given it back: two writes at most. */
const FAILED_STEP_ROWS = 2;

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
      return ["not_go_live", 0];
    if (!rules.announce) return ["no_rule", 0];
    const result = await announceOnce({ ...ctx, input: {} }, "webhook");
    // Posted: the stream claimed, then its chat message id recorded.
    return result.posted ? ["posted", 2] : [result.reason, 0];
  },
  async snapshot(ctx, d) {
    if (d.type !== "kicks.gifted") return ["not_kicks", 0];
    if (!ctx.account.scopes.includes("kicks:read")) return ["no_scope", 0];
    if (snapshotting.has(ctx.account.id)) return ["recent", 0];
    snapshotting.add(ctx.account.id);
    try {
      const last = await kicksLastSeenAt(ctx.env.DB, ctx.account.id);
      if (last !== null && ctx.now - last < SNAPSHOT_DEBOUNCE_MS) return ["recent", 0];
      const snapshot = await takeSnapshot(ctx.env.DB, ctx.kick, ctx.account.id, ctx.now);
      return [snapshot.changed, snapshot.rows_written];
    } finally {
      snapshotting.delete(ctx.account.id);
    }
  },
  // A re-run comes minutes late, and may follow a reply already posted: replies are not repeated.
  async reply(ctx, d, rules, rerun) {
    if (!rules.reply) return ["no_rule", 0];
    if (rerun) return ["skipped_on_rerun", 0];
    const outcome = await replyToEvent(ctx, d);
    return [outcome, outcome === "posted" ? 1 : 0];
  },
};

/** One processing of an event: who pays for it, and where its relays may go. */
export interface EventRun {
  /** The invocation's subrequests (the intake's, or the cron run's shared by everything it does). */
  budget: InvocationBudget;
  /** RELAY_HTTP_HOSTS, for the check before each send. */
  httpHosts: string;
  /** The cron re-running an event a lost waitUntil left. */
  rerun: boolean;
  /** How its D1 batches travel: the intake gathers several events' into one (gather.ts); alone by default. */
  batch?: (statements: D1PreparedStatement[]) => Promise<D1Result<unknown>[]>;
}

/**
 * Runs an accepted event: one D1 round trip reads the account and its rules and queues the
 * relay deliveries (as many claimed for a first attempt as the budget has subrequests left
 * after the steps, charged at their worst; the rest wait for the cron, as do the claimed ones
 * if this invocation dies); then the steps; then the claimed relays, sent at once; finally the
 * outcome is recorded with the relay results, and logged with the D1 row writes it took
 * (never more than maxRowWritesPerEvent, plus a KICKs snapshot's rows).
 */
export async function processEvent(
  env: WebhooksEnv,
  delivery: Delivery,
  run: EventRun,
): Promise<Record<string, unknown>> {
  const now = Date.now();
  const broadcasterId = broadcasterOf(delivery.payload) ?? -1;
  const leaseId = crypto.randomUUID();
  charge(run.budget, INVOCATION_COSTS.eventSteps);
  // A re-run comes minutes late, and may follow an alert already written: not shown twice.
  const alert = run.rerun ? null : alertOf(delivery);
  const batch = run.batch ?? ((statements) => env.DB.batch(statements));
  const [accountRows, replyRows, announceRows, queued, alerted] = await batch([
    accountStatement(env.DB, broadcasterId),
    replySlots.existsStatement(env.DB, broadcasterId, delivery.type),
    autoAnnounceStatement(env.DB, broadcasterId),
    enqueueRelays(env.DB, {
      accountId: broadcasterId,
      messageId: delivery.messageId,
      type: delivery.type,
      body: JSON.stringify(normalizeEvent(delivery)),
      leaseId,
      firstTries: sendsLeft(run.budget),
      now,
    }),
    // For the alerts overlay; nothing when the broadcaster is not connected.
    ...(alert ? [alertStatement(env.DB, broadcasterId, alert, now)] : []),
  ]);
  // The event's row (inserted by the intake, or claimed again by the cron for a re-run), and its alert.
  let rows = 1 + (alerted?.meta.changes ?? 0);
  const account = accountFromResult(accountRows!);
  const outcome: Record<string, unknown> = {};
  if (!account) outcome.account = "not_connected";
  else {
    // What the steps call at Kick: chat (replies, announce), live status (announce), KICKs (snapshots).
    const ctx = kickContextFor(env, account, now, { ...CHAT_ENDPOINTS, ...LIVESTREAM_ENDPOINTS, ...KICKS_ENDPOINTS });
    const rules = { reply: replyRows!.results.length > 0, announce: announceRows!.results.length > 0 };
    for (const [name, step] of Object.entries(STEPS)) {
      try {
        const [result, written] = await step(ctx, delivery, rules, run.rerun);
        outcome[name] = result;
        rows += written;
      } catch (error) {
        outcome[name] = { error: errorLabel(error) };
        rows += FAILED_STEP_ROWS;
      }
    }
  }

  const deliveries = queued!.results as ClaimedRelay[];
  rows += deliveries.length;
  const claimed = deliveries.filter((d) => d.lease_id === leaseId);
  const results = claimed.length ? await sendRelays(await keyRing(env), claimed, run.httpHosts, run.budget) : [];
  // "queued": left for the cron, this invocation's subrequests being spent.
  outcome.relays = [...results.map((r) => r.status), ...deliveries.filter((d) => !d.lease_id).map(() => "queued")];
  const written = await batch([
    ...(results.length ? recordRelayResults(env.DB, results, Date.now()) : []),
    webhookEvents.processedStatement(env.DB, delivery.messageId, JSON.stringify(outcome), Date.now()),
  ]);
  rows += written.reduce((n, result) => n + result.meta.changes, 0);
  console.log(
    JSON.stringify({
      event: "webhook_processed",
      type: delivery.type,
      message_id: delivery.messageId,
      rerun: run.rerun,
      outcome,
      d1_rows_written: rows,
      subrequests: run.budget.used.subrequests,
    }),
  );
  return outcome;
}
