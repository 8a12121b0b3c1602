import { ENDPOINTS, type Endpoint, type EndpointName } from "../../shared/kick/endpoints";
import { hasScope } from "../../shared/kick/scopes";
import { pathTemplate } from "../../shared/http/pathTemplate";
import { checkInput, issuesText } from "../../shared/validation/checkInput";
import { searchParamsToInput } from "../../shared/validation/searchParamsToInput";
import { API_HANDLERS } from "./apiHandlers";
import type { Ctx } from "./context";
import { apiError } from "./http";
import { bearer } from "./tokens";

/** Path templates from the shared table, compiled once: `{id}` matches one segment. */
const ROUTES = (Object.entries(ENDPOINTS) as [EndpointName, Endpoint][]).map(([name, def]) => {
  const { pattern, keys } = pathTemplate(def.path);
  return { name, def, pattern, keys };
});

/** Endpoints only a user token may call; events accept app tokens too (docs/kick-api.md §4.1). */
const userOnly = (scope: string | null) => scope !== null && scope !== "events:subscribe";

/** api.kick.com: authenticate, authorize by scope, validate like Kick, then run the handler. */
export async function apiRoute(ctx: Ctx): Promise<Response | null> {
  const method = ctx.request.method;
  const route = ROUTES.find((r) => r.def.method === method && r.pattern.test(ctx.url.pathname));
  if (!route) return null;
  const { name, def } = route;

  let token = null;
  if (def.auth !== "none") {
    const found = bearer(ctx.state, ctx.request, ctx.now);
    if (!found) return apiError(401, "Unauthorized");
    token = found.record;
    if (userOnly(def.scope) && token.user_id === null)
      return apiError(403, "Forbidden: this endpoint needs a user token");
    if (token.user_id !== null && def.scope !== null && !hasScope(token.scopes, def.scope))
      return apiError(403, "Forbidden: missing scope");
  }

  let raw: Record<string, unknown>;
  if (def.send === "json") {
    try {
      raw = (await ctx.request.json()) as Record<string, unknown>;
    } catch {
      return apiError(400, "Bad request: body must be JSON");
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      return apiError(400, "Bad request: body must be a JSON object");
  } else {
    raw = searchParamsToInput(def.input, ctx.url.searchParams);
  }
  const match = route.pattern.exec(ctx.url.pathname)!;
  const pathParams = new URLSearchParams(route.keys.map((key, i) => [key, decodeURIComponent(match[i + 1]!)]));
  Object.assign(raw, searchParamsToInput(def.input, pathParams));

  const checked = checkInput(def.input, raw);
  if (!checked.ok) return apiError(400, `Bad request: ${issuesText(checked.issues)}`);
  return API_HANDLERS[name]({ ...ctx, token, input: checked.data as Record<string, unknown> });
}
