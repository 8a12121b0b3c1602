import { WorkerEntrypoint } from "cloudflare:workers";
import { Router } from "itty-router/Router";
import { keyRing } from "../../shared/tokens/encryptionKeys";
import { issueRelaySecret } from "../../shared/webhooks/relayDeliveries";
import { reconcileSubscriptions, type SyncAnswer } from "../../shared/webhooks/reconcileSubscriptions";
import { toTriggerError } from "../../shared/actions/toTriggerError";
import { accountFromResult, accountStatement, type Account } from "../../shared/storage/accountsStore";
import { kickContextFor } from "../../shared/announce/KickContext";
import { liveStream, type LiveStream } from "../../shared/announce/liveStream";
import { CHAT_ENDPOINTS } from "../../shared/kick/schemas/chat";
import { KICKS_ENDPOINTS } from "../../shared/kick/schemas/kicks";
import { LIVESTREAM_ENDPOINTS } from "../../shared/kick/schemas/livestreams";
import { logError } from "../../shared/log";
import { TriggerError } from "../../shared/http/TriggerError";
import { errorResponse, settingsErrorResponse } from "../../shared/http/respond";
import { acceptDelivery } from "./acceptDelivery";
import { arrive } from "./gather";
import { processEvent } from "./processEvent";
import { runWebhooksCron } from "./runWebhooksCron";
import { sendRelayTest, type RelayTestResult } from "./relayTest";
import { cronSettings, intakeSettings, type WebhooksEnv } from "./settings";

const router = Router<Request, [WebhooksEnv, ExecutionContext]>();

router.get("/healthz", () => Response.json({ ok: true, data: { status: "ok" } }));
// The URL to give Kick as the app's webhook URL. The event's steps run after the answer, their
// D1 statements gathered with those of the other events this isolate is processing (gather.ts).
router.post("/kick", async (request, env, ctx) => {
  const delivery = arrive(env.DB);
  let processing = false;
  try {
    return await acceptDelivery(
      request,
      env,
      (p) => ctx.waitUntil(p),
      (accepted, budget) => {
        processing = true;
        const run = { budget, httpHosts: intakeSettings(env).httpHosts, rerun: false, batch: delivery.batch };
        return processEvent(env, accepted, run).finally(delivery.leave);
      },
    );
  } finally {
    if (!processing) delivery.leave();
  }
});

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

/**
 * For the control room only (a service binding): "Send test" on a relay. This Worker signs
 * deliveries and holds the key their secrets are sealed with; the control room gets back how
 * the send went, never the secret or the body.
 */
export class RelayTests extends WorkerEntrypoint<WebhooksEnv> {
  async send(accountId: number, relayId: string): Promise<RelayTestResult> {
    const { httpHosts } = intakeSettings(this.env);
    return sendRelayTest(this.env.DB, await keyRing(this.env), httpHosts, accountId, relayId);
  }
}

/** The stream's facts (null: offline), or the code of why Kick could not say (RPC keeps no error class). */
export type LiveAnswer = { ok: true; stream: LiveStream | null } | { ok: false; code: string };

/**
 * For the control room only (a service binding): the channel's live stream, for the go-live
 * announcement's preview. This Worker holds the tokens and calls Kick; the control room holds
 * neither, and gets back the stream's facts alone.
 */
export class LiveStreams extends WorkerEntrypoint<WebhooksEnv> {
  async current(accountId: number): Promise<LiveAnswer> {
    const account = accountFromResult(await accountStatement(this.env.DB, accountId).all());
    if (!account) return { ok: false, code: "not_connected" };
    try {
      // liveStream takes the announcers' context; processEvent bundles these endpoints already.
      const ctx = kickContextFor(this.env, account, Date.now(), {
        ...CHAT_ENDPOINTS,
        ...LIVESTREAM_ENDPOINTS,
        ...KICKS_ENDPOINTS,
      });
      return { ok: true, stream: await liveStream(ctx) };
    } catch (error) {
      const { code } = toTriggerError(error, "");
      if (code === "internal_error") logError("live_stream_error", error, { account: accountId });
      return { ok: false, code };
    }
  }
}
