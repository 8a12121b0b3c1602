import { accounts } from "../../shared/accounts/accounts";
import { announceOnce } from "../../shared/announce/announceOnce";
import type { KickContext } from "../../shared/announce/KickContext";
import { createKickClient, kickConfigFromEnv } from "../../shared/kick/index";
import { takeSnapshot } from "../../shared/kicks/takeSnapshot";
import { accountTokenSource } from "../../shared/refresh/getAccessToken";
import { keyRing } from "../../shared/tokens/encryptionKeys";
import { broadcasterOf } from "../../shared/webhooks/eventFacts";
import { normalizeEvent } from "../../shared/webhooks/normalizeEvent";
import type { Delivery } from "../../shared/webhooks/readDelivery";
import { attemptRelay, enqueueRelays } from "../../shared/webhooks/relayDeliveries";
import { replyToEvent } from "../../shared/webhooks/replyToEvent";
import type { WebhooksEnv } from "./WebhooksEnv";

type Step = (ctx: KickContext, d: Delivery) => Promise<unknown>;

/**
 * What an accepted event sets off, as a table: each step decides for itself whether the
 * event concerns it, runs on its own (one failing does not stop the rest), and reports.
 */
const STEPS: Record<string, Step> = {
  // Go-live: the same once-per-stream claim as the cron detector and the button.
  async announce(ctx, d) {
    if (d.type !== "livestream.status.updated" || !(d.payload as { is_live: boolean }).is_live || ctx.account.role !== "broadcaster") return "not_go_live";
    const rule = await ctx.env.DB.prepare("SELECT auto FROM announce_rules WHERE account_id = ?").bind(ctx.account.id).first<{ auto: number }>();
    if (rule?.auto !== 1) return "no_rule";
    const result = await announceOnce({ ...ctx, input: {} }, "webhook");
    return result.posted ? "posted" : result.reason;
  },
  async snapshot(ctx, d) {
    if (d.type !== "kicks.gifted") return "not_kicks";
    if (!ctx.account.scopes.includes("kicks:read")) return "no_scope";
    return (await takeSnapshot(ctx.env.DB, ctx.kick, ctx.account.id, ctx.now)).changed;
  },
  reply: replyToEvent,
  async relays(ctx, d) {
    const ids = await enqueueRelays(ctx.env.DB, ctx.account.id, d.messageId, d.type, JSON.stringify(normalizeEvent(d)), ctx.now);
    if (ids.length === 0) return [];
    const ring = await keyRing(ctx.env);
    return Promise.all(ids.map(async (id) => (await attemptRelay(ctx.env.DB, ring, id, ctx.now)).status));
  },
};

/** Runs an accepted event's steps and records what each did on its webhook_events row. */
export async function processEvent(env: WebhooksEnv, d: Delivery, now = Date.now()): Promise<Record<string, unknown>> {
  const broadcasterId = broadcasterOf(d.payload);
  const account = broadcasterId === null ? null : await accounts.get(env.DB, broadcasterId);
  const outcome: Record<string, unknown> = {};
  if (!account) outcome.account = "not_connected";
  else {
    const config = kickConfigFromEnv(env);
    const ctx: KickContext = { env, account, config, now, kick: createKickClient(config, accountTokenSource(env, account.id, config)) };
    for (const [name, step] of Object.entries(STEPS)) {
      try {
        outcome[name] = await step(ctx, d);
      } catch (error) {
        outcome[name] = { error: (error as { code?: string }).code ?? (error as Error).name };
      }
    }
  }
  await env.DB.prepare("UPDATE webhook_events SET processed_at = ?, outcome = ? WHERE message_id = ?").bind(Date.now(), JSON.stringify(outcome), d.messageId).run();
  console.log(JSON.stringify({ event: "webhook_processed", type: d.type, message_id: d.messageId, outcome }));
  return outcome;
}
