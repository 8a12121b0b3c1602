import { ACTIONS } from "./actions/index";
import { automationsSettings, type AutomationsEnv } from "./settings";
import { AUTOMATIONS } from "./Action";
import { runAutomationsCron } from "./runCron";
import { errorResponse, formatOf, settingsErrorResponse } from "../../shared/http/respond";
import { readBytesLimited } from "../../shared/http/request";
import { MAX_INPUT_BYTES } from "../../shared/actions/readInput";
import { toTriggerError } from "../../shared/actions/toTriggerError";
import { actionRouter } from "../../shared/actions/actionRouter";
import { isRulesPath } from "../../shared/actions/Action";

const router = actionRouter(AUTOMATIONS, ACTIONS);

/** Trigger endpoints for Zapier, IFTTT, Stream Deck, chat bots and cron. */
export default {
  async scheduled(controller, env) {
    // Settings first: a bad var fails the run at once, naming the variable.
    automationsSettings(env);
    await runAutomationsCron(env, controller.scheduledTime);
  },

  async fetch(request, env, ctx) {
    const bad = settingsErrorResponse(() => automationsSettings(env));
    if (bad) return bad;
    const response = await router.route(request, env, ctx);
    if (response) return response;
    const path = new URL(request.url).pathname;
    // Setting up rules is the rules Worker's (no Kick calls, no secrets): callers keep this one URL.
    if (isRulesPath(path)) {
      try {
        return await env.RULES.fetch(await buffered(request));
      } catch (error) {
        return errorResponse(toTriggerError(error, automationsSettings(env).reconnectUrl), formatOf(request));
      }
    }
    // Cloudflare serves assets before the Worker; where it does not (tests), ask the binding.
    const asset = request.method === "GET" ? await env.ASSETS.fetch(request) : null;
    if (asset && asset.status !== 404) return asset;
    return router.refuse(request);
  },
} satisfies ExportedHandler<AutomationsEnv>;

/**
 * The request with its body read here, up to the trigger API's limit: streamed through, a body
 * the rules Worker refuses before reading (a bad key) would be left mid-pipe and logged as an
 * uncaught exception here.
 */
async function buffered(request: Request): Promise<Request> {
  // A GET or HEAD may arrive with an (empty) body stream, but may not be built with one.
  if (!request.body || request.method === "GET" || request.method === "HEAD") return request;
  const body = await readBytesLimited(request, MAX_INPUT_BYTES);
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  return new Request(request, { body, headers });
}
