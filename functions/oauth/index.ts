import { Router } from "itty-router/Router";
import { guard, type Handler, type OAuthRequest } from "./guard";
import { callback } from "./routes/callback";
import { connect } from "./routes/connect";
import {
  confirmDisconnect,
  confirmRevoke,
  createKey,
  disconnect,
  revokeKey,
  showAccount,
  withAccount,
  type AccountRequest,
} from "./routes/accounts";
import { toControlRoom } from "./routes/controlRoom";
import { guardHome, home, login, logout, logoutEverywhere, notFound } from "./routes/session";
import { guardStatus, status } from "./routes/status";
import { kickHealth } from "./routes/health";
import { oauthSettings, type OAuthEnv } from "./settings";
import { AdminSecretError, MIN_PASSPHRASE_LENGTH } from "./adminSession";
import { messagePage } from "./pages/messagePage";
import { page } from "../../shared/pages/respond";
import { logError } from "../../shared/log";
import { SettingsError } from "../../shared/settings";

/** What the owner must do when nobody can sign in, by AdminSecretError code. Public: no secret in it. */
const SETUP_PAGES: Record<AdminSecretError["code"], [title: string, message: string]> = {
  admin_secret_missing: [
    "Not set up yet",
    "This deployment has no ADMIN_SECRET, so nobody can sign in. Set one with: npm run deploy -- --rotate-admin-secret (locally: ADMIN_SECRET in .dev.vars)",
  ],
  admin_secret_too_short: [
    "Passphrase too weak",
    `This deployment's ADMIN_SECRET is shorter than ${MIN_PASSPHRASE_LENGTH} characters, so sign-in is closed. Run npm run deploy -- --rotate-admin-secret: it sets a strong one and shows it once. Locally, npm start replaces a generated one; one you set in .dev.vars must be ${MIN_PASSPHRASE_LENGTH} characters or more.`,
  ],
  encryption_key_unusable: [
    "Not set up yet",
    "This deployment's TOKEN_ENCRYPTION_KEY is missing or not 32 bytes, and sign-in sessions are keyed with it. Run npm run deploy, which sets it (locally, npm start).",
  ],
};

type Method = "get" | "post";
/**
 * A route and its chain, run in order until one answers. A handler that needs the account must
 * come after `guard` and `withAccount`, in that order: strangers are refused before the lookup,
 * so a 404 never tells them which accounts exist.
 */
type Route =
  | [method: Method, path: string, ...handlers: Handler[]]
  | [method: Method, path: string, typeof guard, typeof withAccount, ...handlers: Handler<AccountRequest>[]];

const router = Router<OAuthRequest, [OAuthEnv, number]>();
const routes: Route[] = [
  ["get", "/", guardHome, home],
  ["post", "/login", login],
  ["post", "/logout", guard, logout],
  ["post", "/logout/everywhere", guard, logoutEverywhere],
  ["post", "/connect", guard, connect],
  ["get", "/callback", guard, callback],
  ["get", "/status", guardStatus, status],
  ["get", "/accounts/:id", guard, withAccount, showAccount],
  ["post", "/accounts/:id/keys", guard, withAccount, createKey],
  // A GET asks first (what stops working); only the POST from that page acts.
  ["get", "/accounts/:id/keys/:keyId/revoke", guard, withAccount, confirmRevoke],
  ["post", "/accounts/:id/keys/:keyId/revoke", guard, withAccount, revokeKey],
  ["get", "/accounts/:id/disconnect", guard, withAccount, confirmDisconnect],
  ["post", "/accounts/:id/disconnect", guard, withAccount, disconnect],
  // Set-up pages (announcement, replies, timers, relays) and activity: the control room draws them.
  ["get", "/accounts/:id/setup/*", guard, withAccount, toControlRoom],
  ["post", "/accounts/:id/setup/*", guard, withAccount, toControlRoom],
  ["get", "/accounts/:id/activity", guard, withAccount, toControlRoom],
  ["get", "/healthz", () => new Response("ok")],
  ["get", "/healthz/kick", kickHealth],
];
for (const [method, path, ...handlers] of routes) router[method](path, ...handlers);

/** The connect page: sign in, connect Kick accounts, hand out automation keys. */
export default {
  async fetch(request, env) {
    try {
      // Settings first: a bad var is the deployer's mistake, refused before anything runs.
      oauthSettings(env);
      return (await router.fetch(request as never, env, Date.now())) ?? (await notFound());
    } catch (error) {
      if (error instanceof AdminSecretError) {
        const [title, message] = SETUP_PAGES[error.code];
        return page(messagePage(title, message), { status: 503 });
      }
      // Which variable is wrong goes to the log, for the deployer; this page is public (before sign-in).
      if (error instanceof SettingsError) {
        logError("oauth_bad_setting", error, { problems: error.problems });
        return page(
          messagePage(
            "Settings need fixing",
            "A setting of this deployment is not valid. Its logs name the variable; fix it in wrangler.toml and deploy again.",
          ),
          { status: 500 },
        );
      }
      // Never echo the error: it may hold Kick's words or ours, but must never risk a token.
      logError("oauth_error", error);
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
