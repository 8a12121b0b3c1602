import { WorkerEntrypoint } from "cloudflare:workers";
import { Router } from "itty-router/Router";
import { keyRing } from "../../shared/tokens/encryptionKeys";
import { issueRelaySecret } from "../../shared/webhooks/relayDeliveries";
import { reconcileSubscriptions, type SyncAnswer } from "../../shared/webhooks/reconcileSubscriptions";
import { toTriggerError } from "../../shared/actions/toTriggerError";
import type { Account } from "../../shared/storage/accountsStore";
import { TriggerError } from "../../shared/http/TriggerError";
import { errorResponse, settingsErrorResponse } from "../../shared/http/respond";
import { acceptDelivery } from "./acceptDelivery";
import { processEvent } from "./processEvent";
import { runWebhooksCron } from "./runWebhooksCron";
import { cronSettings, intakeSettings, type WebhooksEnv } from "./settings";

const router = Router<Request, [WebhooksEnv, ExecutionContext]>();

router.get("/healthz", () => Response.json({ ok: true, data: { status: "ok" } }));
// The URL to give Kick as the app's webhook URL.
router.post("/kick", (request, env, ctx) =>
  acceptDelivery(
    request,
    env,
    (p) => ctx.waitUntil(p),
    (delivery, budget) =>
      processEvent(env, delivery, { budget, httpHosts: intakeSettings(env).httpHosts, rerun: false }),
  ),
);

/** Kick's signed events in; go-live announce, chat replies, KICKs snapshots and relays out. */
export default {
  async scheduled(controller, env) {
    // Settings first, the cron's own: a bad var fails the run at once, naming the variable.
    cronSettings(env);
    await runWebhooksCron(env, controller.scheduledTime);
  },

  async fetch(request, env, ctx) {
    const bad = settingsErrorResponse(() => intakeSettings(env));
    if (bad) return bad;
    const response = await router.fetch(request, env, ctx);
    if (response) return response;
    const path = new URL(request.url).pathname;
    const error =
      path === "/kick"
        ? new TriggerError(405, "method_not_allowed", "/kick takes POST (Kick's deliveries).", undefined, {
            allow: "POST",
          })
        : new TriggerError(404, "not_found", `No endpoint ${request.method} ${path}. Kick delivers to POST /kick.`);
    return errorResponse(error, "json");
  },
} satisfies ExportedHandler<WebhooksEnv>;

/**
 * For the rules Worker only (a service binding; never on the public URL): a relay's new
 * secret, when it is made and when it is rotated. This Worker signs the deliveries, so it
 * makes their secrets; the rules Worker holds no key to seal them with.
 */
export class RelaySecrets extends WorkerEntrypoint<WebhooksEnv> {
  async issue(relayId: string): Promise<{ secret: string; sealed: string }> {
    return issueRelaySecret(await keyRing(this.env), relayId);
  }
}

/**
 * For the rules Worker only (a service binding): reconcile one account's subscriptions now, as
 * the cron does, answering a refusal the way the trigger API shows it (RPC keeps no error class).
 */
export class Subscriptions extends WorkerEntrypoint<WebhooksEnv> {
  async reconcile(account: Account, reconnectUrl: string): Promise<SyncAnswer> {
    try {
      return {
        ok: true,
        summary: await reconcileSubscriptions(this.env, cronSettings(this.env).kick, account, Date.now()),
      };
    } catch (error) {
      const { status, code, message, details } = toTriggerError(error, reconnectUrl);
      return { ok: false, status, code, message, details };
    }
  }
}
