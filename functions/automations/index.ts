import { Router } from "itty-router/Router";
import { ACTIONS } from "./actions/index";
import { automationsSettings, type AutomationsEnv } from "./settings";
import { handleAction } from "./handleAction";
import { runAutomationsCron } from "./runCron";
import { errorResponse, formatOf, settingsErrorResponse } from "../../shared/http/respond";
import { TriggerError } from "../../shared/http/TriggerError";
import { pathTemplate } from "../../shared/http/pathTemplate";

type Req = Request & { params: Record<string, string> };
const router = Router<Req, [AutomationsEnv, ExecutionContext | undefined]>();

router.get("/healthz", () => Response.json({ ok: true, data: { status: "ok" } }));
for (const action of ACTIONS) {
  const handler = (request: Req, env: AutomationsEnv, ctx?: ExecutionContext) =>
    handleAction(action, request, env, request.params ?? {}, ctx);
  router[action.method.toLowerCase() as "get" | "post" | "patch" | "delete"](action.path, handler);
  // Stream Deck's Website button can only open a URL: such actions answer a GET too (when the key allows).
  if (action.allowGet && action.method !== "GET") router.get(action.path, handler);
}

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
    const response = await router.fetch(request as Req, env, ctx);
    if (response) return response;
    // Cloudflare serves assets before the Worker; where it does not (tests), ask the binding.
    const asset = request.method === "GET" ? await env.ASSETS.fetch(request) : null;
    if (asset && asset.status !== 404) return asset;
    const path = new URL(request.url).pathname;
    const known = ACTIONS.filter((a) => matches(a.path, path));
    const error = known.length
      ? new TriggerError(
          405,
          "method_not_allowed",
          `${path} takes ${known.map((a) => a.method).join(" or ")}.`,
          undefined,
          { allow: known.map((a) => a.method).join(", ") },
        )
      : new TriggerError(404, "not_found", `No endpoint ${request.method} ${path}. See /openapi.json.`);
    return errorResponse(error, formatOf(request));
  },
} satisfies ExportedHandler<AutomationsEnv>;

const matches = (template: string, path: string) => pathTemplate(template).pattern.test(path);
