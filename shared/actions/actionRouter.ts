import { Router } from "itty-router/Router";
import type { Action } from "./Action";
import { handleAction, type ActionEnv, type ActionWorker } from "./handleAction";
import { errorResponse, formatOf } from "../http/respond";
import { TriggerError } from "../http/TriggerError";
import { pathTemplate } from "../http/pathTemplate";

type Req = Request & { params: Record<string, string> };

/**
 * A Worker's action table as routes: each action at its method and path (and at GET too when
 * it allows GET), `/healthz`, and the refusal for a path or method no action answers.
 */
export function actionRouter<Env extends ActionEnv>(worker: ActionWorker<Env>, actions: Action[]) {
  const router = Router<Req, [Env, ExecutionContext | undefined]>();
  router.get("/healthz", () => Response.json({ ok: true, data: { status: "ok" } }));
  for (const action of actions) {
    const handler = (request: Req, env: Env, ctx?: ExecutionContext) =>
      handleAction(worker, action, request, env, request.params ?? {}, ctx);
    router[action.method.toLowerCase() as "get" | "post" | "patch" | "delete"](action.path, handler);
    // Stream Deck's Website button can only open a URL: such actions answer a GET too (when the key allows).
    if (action.allowGet && action.method !== "GET") router.get(action.path, handler);
  }
  return {
    /** The answer of the action at this method and path, or undefined when there is none. */
    route: (request: Request, env: Env, ctx?: ExecutionContext): Promise<Response | undefined> =>
      router.fetch(request as Req, env, ctx),
    /** 405 naming the methods an action takes at this path, or 404. */
    refuse(request: Request): Response {
      const path = new URL(request.url).pathname;
      const known = actions.filter((a) => pathTemplate(a.path).pattern.test(path));
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
  };
}
