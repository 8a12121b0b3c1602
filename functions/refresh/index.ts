import { WorkerEntrypoint } from "cloudflare:workers";
import { consumeRefreshBatch, runRefresh } from "./runRefresh";
import { HOUSEKEEPING_CRON, runHousekeeping } from "./runHousekeeping";
import { refreshSettings, type RefreshEnv, type RefreshMessage } from "./settings";
import { settingsErrorResponse } from "../../shared/http/respond";
import { refreshNewerThan } from "../../shared/refresh/getAccessToken";
import { answerOf, type RefreshAnswer } from "../../shared/refresh/errors";

/** Keeps every connected account's tokens fresh (a cron run, and a queue consumer for fan-out); hourly D1 housekeeping. */
export default {
  async scheduled(controller, env, _ctx) {
    // Each run reads its own settings first (a bad var fails it at once, by name), and only its
    // own: a mistyped retention setting never stops token refresh.
    // Awaited, not waitUntil: the run is the whole job, and its summary is the log line that matters.
    if (controller.cron === HOUSEKEEPING_CRON) await runHousekeeping(env, controller.scheduledTime);
    else await runRefresh(env);
  },

  async queue(batch, env, _ctx) {
    for (const message of batch.messages) {
      await consumeRefreshBatch(env, message.body.accountIds);
      message.ack();
    }
  },

  async fetch(request, env) {
    const bad = settingsErrorResponse(() => refreshSettings(env));
    if (bad) return bad;
    const { pathname } = new URL(request.url);
    if (pathname === "/" || pathname === "/healthz")
      return Response.json({ ok: true, data: { worker: "refresh", cron: "see wrangler.toml [env.refresh.triggers]" } });
    return Response.json(
      {
        ok: false,
        error: { code: "not_found", message: "the refresh Worker runs on its cron; it has no other endpoints" },
      },
      { status: 404 },
    );
  },
} satisfies ExportedHandler<RefreshEnv, RefreshMessage>;

/**
 * For the Workers that call Kick as an account (service bindings; never on a public URL): a
 * token record newer than the one they saw, refreshed here under the lease or awaited from
 * whoever holds it. They read the record from D1 themselves; no token crosses the binding.
 */
export class Refresher extends WorkerEntrypoint<RefreshEnv> {
  async newerThan(accountId: number, seenVersion: number): Promise<RefreshAnswer> {
    try {
      await refreshNewerThan(this.env, accountId, seenVersion, refreshSettings(this.env).kick);
      return { ok: true };
    } catch (error) {
      return answerOf(error);
    }
  }
}
