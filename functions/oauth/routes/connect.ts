import { ALL_CAPABILITIES, isCapability, scopesFor } from "../../../shared/capabilities";
import { accounts } from "../../../shared/storage/accountsStore";
import { cookieName, isSecureRequest, setCookie } from "../../../shared/http/cookies";
import { randomToken } from "../../../shared/encoding";
import { buildAuthorizeUrl, createPkcePair } from "../../../shared/kick/index";
import type { OAuthRequest } from "../guard";
import { kickFor, oauthSettings, type OAuthEnv } from "../settings";
import { FLOW_TTL_MS, startFlow } from "../oauthFlows";
import { messagePage } from "../pages/messagePage";
import { page, seeOther } from "../../../shared/pages/respond";

export const BROWSER_COOKIE = "kick_edge_flow";

/** The exact callback Kick redirects to: configured, or this Worker's own /callback. */
export const redirectUriFor = (request: Request, env: OAuthEnv) =>
  oauthSettings(env).redirectUri || `${new URL(request.url).origin}/callback`;

/**
 * POST /connect: start a connect flow. PKCE S256 and a random single-use `state`, stored
 * server side and bound to this browser by a cookie, then off to Kick's consent page. A bot is
 * connected from the page of the broadcaster it will chat for (`broadcaster`), which the flow
 * carries to the callback; it asks only for chat, the one thing a bot does here.
 */
export async function connect(request: OAuthRequest, env: OAuthEnv, now: number): Promise<Response> {
  const { clientId, clientSecret } = kickFor(env);
  const csrf = request.session?.csrf;
  if (!clientId || !clientSecret) {
    return page(
      messagePage(
        "Kick app not configured",
        "Set KICK_CLIENT_ID and KICK_CLIENT_SECRET (npm run deploy asks for them), or run npm start to use the emulator.",
        { csrf },
      ),
      { status: 503 },
    );
  }
  const form = await request.formData();
  const role = form.get("role") === "bot" ? "bot" : "broadcaster";
  let broadcasterId: number | null = null;
  if (role === "bot") {
    const serves = await accounts.get(env.DB, Number(form.get("broadcaster")) || 0);
    if (serves?.role !== "broadcaster")
      return page(
        messagePage(
          "Connect a bot from its channel",
          "A bot account chats in one broadcaster's channel: open that broadcaster's page here and press “Connect a bot account” there.",
          { csrf },
        ),
        { status: 400 },
      );
    broadcasterId = serves.id;
  }
  const picked = role === "bot" ? ["chat"] : form.getAll("capability").map(String);
  const unknown = picked.filter((c) => !isCapability(c));
  if (unknown.length)
    return page(
      messagePage(
        "Unknown capability",
        `Not a capability: ${unknown.join(", ")}. Pick from: ${ALL_CAPABILITIES.join(", ")}.`,
        { csrf },
      ),
      { status: 400 },
    );
  const scopes = scopesFor(picked.filter(isCapability));

  const pkce = await createPkcePair();
  const state = randomToken(32);
  const browser = randomToken(32);
  const redirectUri = redirectUriFor(request, env);
  await startFlow(env, { state, browser, verifier: pkce.verifier, role, scopes, redirectUri, broadcasterId, now });
  const url = buildAuthorizeUrl({
    idBase: kickFor(env).idBase,
    clientId,
    redirectUri,
    scopes,
    state,
    codeChallenge: pkce.challenge,
  });
  const secure = isSecureRequest(request);
  return seeOther(url, { "set-cookie": setCookie(BROWSER_COOKIE, browser, { maxAge: FLOW_TTL_MS / 1000, secure }) });
}

export const browserCookieName = (request: Request) => cookieName(BROWSER_COOKIE, isSecureRequest(request));
