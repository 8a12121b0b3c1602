import { Router } from "itty-router";
import { callback } from "./routes/callback";
import { connect } from "./routes/connect";
import { createKey, disconnect, revokeKey, showAccount } from "./routes/accounts";
import { home, login, logout, notFound } from "./routes/session";
import { status } from "./routes/status";
import { kickHealth } from "./routes/health";
import type { OAuthEnv } from "./OAuthEnv";
import { messagePage } from "./pages/messagePage";
import { page } from "./respond";

type Handler = (
  request: Request & { params: Record<string, string> },
  env: OAuthEnv,
  now: number,
) => Response | Promise<Response>;

const router = Router<Request & { params: Record<string, string> }, [OAuthEnv, number]>();
const routes: [method: "get" | "post", path: string, handler: Handler][] = [
  ["get", "/", home],
  ["post", "/login", login],
  ["post", "/logout", logout],
  ["post", "/connect", connect],
  ["get", "/callback", callback],
  ["get", "/status", status],
  ["get", "/accounts/:id", showAccount],
  ["post", "/accounts/:id/keys", createKey],
  ["post", "/accounts/:id/keys/:keyId/revoke", revokeKey],
  ["post", "/accounts/:id/disconnect", disconnect],
  ["get", "/healthz", () => new Response("ok")],
  ["get", "/healthz/kick", kickHealth],
];
for (const [method, path, handler] of routes) router[method](path, handler);

/** The connect page: sign in, connect Kick accounts, hand out automation keys. */
export default {
  async fetch(request, env) {
    try {
      return (await router.fetch(request as never, env, Date.now())) ?? (await notFound());
    } catch (error) {
      // Never echo the error: it may hold Kick's words or ours, but must never risk a token.
      console.error(
        JSON.stringify({ event: "oauth_error", name: (error as Error).name, code: (error as { code?: string }).code }),
      );
      return page(
        messagePage(
          "Something went wrong",
          "kick-edge hit an unexpected error. Try again; if it keeps happening, the Worker's logs say which step failed.",
        ),
        { status: 500 },
      );
    }
  },
} satisfies ExportedHandler<OAuthEnv>;
