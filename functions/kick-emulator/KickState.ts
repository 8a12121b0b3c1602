import { DurableObject } from "cloudflare:workers";
import { apiRoute } from "./apiRoutes";
import { channelPage } from "./channelPage";
import type { Ctx } from "./context";
import { controlRouter } from "./controlRoutes";
import { faultResponse, takeFault } from "./faults";
import { droppedConnection } from "./http";
import { homePage } from "./homePage";
import { authorize, decide, introspect, revoke, token } from "./oauthRoutes";
import { defaultSettings, seed } from "./seed";
import { BIG_COLLECTIONS, type EmulatorState } from "./state";
import { storedMap } from "./storedMap";

type Route = (ctx: Ctx) => Response | Promise<Response>;

/** id.kick.com's routes and the home page; everything else is api.kick.com's (the shared endpoint table). */
const PAGE_ROUTES: Record<string, Route> = {
  "GET /oauth/authorize": authorize,
  "POST /oauth/authorize": decide,
  "POST /oauth/token": token,
  "POST /oauth/revoke": revoke,
  "POST /oauth/token/introspect": introspect,
  "POST /public/v1/token/introspect": introspect,
  "GET /": homePage,
};

const DAY = 86_400_000;
const PRUNE_EVERY = 500;
const STATE_KEY = "state-v2";

/**
 * The whole emulated Kick in one Durable Object: one instance, one JSON state, so every
 * check-and-change (spending a code, rotating a refresh token) is atomic, as at Kick.
 */
export class KickState extends DurableObject<Cloudflare.KickEmulatorEnv> {
  private state!: EmulatorState;
  private control;

  constructor(ctx: DurableObjectState, env: Cloudflare.KickEmulatorEnv) {
    super(ctx, env);
    this.control = controlRouter(env);
    this.state = this.attach(ctx.storage.kv.get<EmulatorState>(STATE_KEY) ?? seed(defaultSettings(env), Date.now()));
  }

  /** Points the large collections at their one-entry-per-key storage. */
  private attach(state: EmulatorState): EmulatorState {
    for (const [field, prefix] of Object.entries(BIG_COLLECTIONS))
      (state as unknown as Record<string, unknown>)[field] = storedMap(this.ctx.storage.kv, prefix);
    return state;
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const ctx: Ctx = {
      state: this.state,
      now: Date.now() + this.state.clock_offset_ms,
      request,
      url,
      storage: this.ctx.storage.kv,
    };
    let response: Response;
    if (url.pathname === "/_emulator" || url.pathname.startsWith("/_emulator/")) {
      response =
        (await this.control.fetch(request, ctx)) ??
        Response.json(
          { error: { code: "not_found", message: "no such control route; GET /_emulator lists them" } },
          { status: 404 },
        );
      this.attach(this.state);
    } else if (url.pathname.startsWith("/channel/") && request.method === "GET") {
      // The emulator's own page, not Kick's: kept out of the request log and the faults.
      response = await channelPage(ctx);
    } else {
      response = await this.kick(ctx);
      this.state.requests_total += 1;
      this.state.requests = [
        ...this.state.requests,
        { at: new Date(ctx.now).toISOString(), method: request.method, path: url.pathname, status: response.status },
      ].slice(-200);
    }
    // Read what an early answer left unread, as a server would, so the sender's stream closes cleanly.
    if (request.body && !request.bodyUsed) await request.arrayBuffer().catch(() => undefined);
    if (++this.state.requests_since_prune >= PRUNE_EVERY) this.prune(ctx.now);
    const { access_tokens: _a, refresh_tokens: _r, codes: _c, grants: _g, ...small } = this.state;
    this.ctx.storage.kv.put(STATE_KEY, small);
    return response;
  }

  /** Kick itself, with any armed fault applied first. */
  private async kick(ctx: Ctx): Promise<Response> {
    const fault = takeFault(this.state, ctx.request.method, ctx.url.pathname);
    if (fault?.delay_ms) {
      await new Promise((resolve) => setTimeout(resolve, fault.delay_ms));
      // Other requests ran meanwhile: this one is handled at the time it really is handled.
      ctx.now = Date.now() + this.state.clock_offset_ms;
    }
    if (fault && (fault.status !== null || fault.drop === "before")) return faultResponse(fault);
    const route = PAGE_ROUTES[`${ctx.request.method} ${ctx.url.pathname}`];
    const response =
      (route ? await route(ctx) : await apiRoute(ctx)) ??
      Response.json({ data: null, message: "Not Found" }, { status: 404 });
    return fault?.drop === "after" ? droppedConnection() : response;
  }

  /** Forget codes and tokens long dead so storage stays small. */
  private prune(now: number) {
    const s = this.state;
    s.requests_since_prune = 0;
    for (const [k, v] of Object.entries(s.codes)) if (v.expires_at < now - DAY) delete s.codes[k];
    for (const [k, v] of Object.entries(s.access_tokens)) if (v.expires_at < now - DAY) delete s.access_tokens[k];
    for (const [k, v] of Object.entries(s.refresh_tokens)) if (v.expires_at < now - DAY) delete s.refresh_tokens[k];
  }
}
