import { accounts, allowedUserPins, automationKeys } from "../../../shared/storage/accountsStore";
import { capabilitiesGranted } from "../../../shared/capabilities";
import { readCookies, setCookie, isSecureRequest } from "../../../shared/http/cookies";
import {
  exchangeCode,
  KickError,
  KickInvalidGrantError,
  kickClient,
  parseScopes,
  revokeToken,
  staticToken,
} from "../../../shared/kick/index";
import { USER_ENDPOINTS } from "../../../shared/kick/schemas/users";
import { storeNewTokens } from "../../../shared/storage/tokenStore";
import type { OAuthRequest } from "../guard";
import { kickFor, oauthSettings, type OAuthEnv } from "../settings";
import { finishFlow, type FlowCheck } from "../oauthFlows";
import { messagePage } from "../pages/messagePage";
import { page } from "../../../shared/pages/respond";
import { backToAccount } from "./accounts";
import type { Flash } from "../../../shared/pages/controlRoom";
import { BROWSER_COOKIE, browserCookieName } from "./connect";
import { logError } from "../../../shared/log";
import type { SyncAnswer } from "../../../shared/webhooks/reconcileSubscriptions";
import type { Subscriptions } from "../../webhooks/index";

const REFUSALS: Record<Extract<FlowCheck, { ok: false }>["reason"], string> = {
  missing: "Kick's answer carried no state, so it cannot be matched to a connect you started. Nothing was connected.",
  unknown_or_used:
    "This sign-in link is unknown or was already used. Nothing was connected. Start again from the accounts page.",
  expired:
    "This sign-in took longer than 10 minutes and expired. Nothing was connected. Start again from the accounts page.",
  other_browser: "This sign-in was started in another browser. Nothing was connected. Start again from this browser.",
};

/**
 * Why this Kick account may not be connected here, or null when it may (ALLOWED_KICK_USERS: ids
 * or usernames). Ids decide: a username entry admits the account that first connected under it
 * (its id is pinned in D1 then), so a rename cannot hand the entry to whoever takes the name next.
 */
export async function refusedByAllowlist(
  env: OAuthEnv,
  id: number,
  username: string,
  now: number,
): Promise<string | null> {
  const list = oauthSettings(env).allowedKickUsers;
  const names = list.filter((entry) => !/^\d+$/.test(entry));
  const pins = await allowedUserPins.read(env.DB, names);
  if (list.length === 0 || list.includes(String(id)) || [...pins.values()].includes(id)) return null;
  const name = username.toLowerCase();
  const holder = names.includes(name) ? (pins.get(name) ?? (await allowedUserPins.pin(env.DB, name, id, now))) : null;
  if (holder === id) return null;
  return holder === null
    ? `${username} (${id}) is not in this deployment's ALLOWED_KICK_USERS.`
    : `${username} (${id}) may not connect: the ALLOWED_KICK_USERS entry “${name}” belongs to Kick user ${holder}, who held that name when it first connected here (usernames can change hands; ids do not).`;
}

/**
 * Kick delivers a channel's events only to subscriptions, which the webhooks Worker owns. Made
 * now, what the channel needs (KICKs for the leaderboard, what its rules listen to) flows from
 * the moment its page shows. Awaited, so they exist by then (and this route needs no
 * ExecutionContext), but 3 s at most and never failing the connect: the webhooks cron makes
 * them within SUBSCRIPTION_SYNC_MINUTES anyway.
 */
async function subscribe(env: OAuthEnv, id: number, url: string) {
  try {
    const answer = (await Promise.race([
      // Typed here, not in OAuthEnv: the tests hand the Worker its bindings as wrangler types them.
      (env.SUBSCRIPTIONS as unknown as Service<Subscriptions>).reconcile(
        (await accounts.get(env.DB, id))!,
        new URL("/", url).href,
      ),
      new Promise((r) => setTimeout(r, 3000)),
    ])) as SyncAnswer | undefined;
    if (answer?.ok === false)
      console.error(JSON.stringify({ event: "subscribe_error", account: id, code: answer.code }));
  } catch (error) {
    logError("subscribe_error", error, { account: id });
  }
}

/**
 * GET /callback: Kick's redirect back. The flow is spent first (whatever follows), then the
 * code is exchanged on the server, the account identified, and the tokens stored sealed.
 */
export async function callback(request: OAuthRequest, env: OAuthEnv, now: number): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const csrf = request.session?.csrf;
  const clearFlowCookie = {
    "set-cookie": setCookie(BROWSER_COOKIE, "", { maxAge: 0, secure: isSecureRequest(request) }),
  };
  const refuse = (title: string, message: string, status = 400) =>
    page(messagePage(title, message, { csrf }), { status, headers: clearFlowCookie });

  const check = await finishFlow(env, params.get("state"), readCookies(request).get(browserCookieName(request)), now);
  if (!check.ok) return refuse("Not connected", REFUSALS[check.reason]);
  if (params.get("error")) {
    return params.get("error") === "access_denied"
      ? refuse(
          "Not connected",
          "You chose not to allow access on Kick, so nothing was connected. You can try again any time.",
          200,
        )
      : refuse("Not connected", `Kick answered with an error (${params.get("error")}). Nothing was connected.`);
  }
  const code = params.get("code");
  if (!code) return refuse("Not connected", "Kick's answer carried no code. Nothing was connected.");

  const config = kickFor(env);
  let tokens;
  try {
    tokens = await exchangeCode(config, {
      code,
      redirectUri: check.flow.redirectUri,
      codeVerifier: check.flow.verifier,
    });
  } catch (error) {
    if (error instanceof KickInvalidGrantError)
      return refuse(
        "Not connected",
        "Kick did not accept the sign-in code (expired, already used, or the redirect URL does not match the Kick app's). Nothing was connected. Start again.",
      );
    if (error instanceof KickError)
      return refuse(
        "Kick is not answering",
        `Kick could not finish the sign-in (${error.code}${error.status ? `, HTTP ${error.status}` : ""}). Nothing was connected. Try again in a minute.`,
        502,
      );
    throw error;
  }

  const discard = () =>
    Promise.allSettled([
      revokeToken(config, tokens.refresh_token ?? "", "refresh_token"),
      revokeToken(config, tokens.access_token, "access_token"),
    ]);
  let me;
  try {
    [me] = await kickClient(USER_ENDPOINTS, config, staticToken(tokens.access_token)).getUsers();
  } catch (error) {
    await discard();
    if (error instanceof KickError)
      return refuse(
        "Kick is not answering",
        `Signed in, but Kick would not say which account this is (${error.code}). Nothing was kept. Try again.`,
        502,
      );
    throw error;
  }
  if (!me) {
    await discard();
    return refuse("Not connected", "Kick did not say which account signed in. Nothing was kept.", 502);
  }
  const refusal = await refusedByAllowlist(env, me.user_id, me.name, now);
  if (refusal) {
    await discard();
    return refuse("This account may not connect", `${refusal} Its tokens were revoked and nothing was kept.`, 403);
  }
  // An account keeps the role it was connected with: a channel is not also a bot, and a bot's
  // page must not turn into a channel's by a connect from the wrong Kick session.
  const { role, broadcasterId } = check.flow;
  const existing = await accounts.get(env.DB, me.user_id);
  if (existing && existing.role !== role) {
    await discard();
    return refuse(
      "Not connected",
      role === "bot"
        ? `You signed in at Kick as ${me.name}, which is connected here as a broadcaster, so it cannot be a bot as well. Sign in to Kick as the bot account (a private window helps) and press “Connect a bot account” again. Nothing was changed.`
        : `${me.name} is connected here as a bot. To connect it as a broadcaster, disconnect it on its page first. Nothing was changed.`,
      409,
    );
  }
  const serves = broadcasterId === null ? null : await accounts.get(env.DB, broadcasterId);
  if (role === "bot" && serves?.role !== "broadcaster") {
    await discard();
    return refuse(
      "Not connected",
      "The channel this bot was to chat for was disconnected meanwhile. Nothing was kept.",
      409,
    );
  }
  if (!tokens.refresh_token) {
    await discard();
    return refuse(
      "Not connected",
      "Kick sent no refresh token, so the connection could not be kept alive. Nothing was kept.",
      502,
    );
  }

  const scopes = tokens.scope ? parseScopes(tokens.scope) : check.flow.scopes;
  const expiresAt = now + tokens.expires_in * 1000;
  await accounts.connect(env.DB, {
    id: me.user_id,
    username: me.name,
    role,
    scopes,
    tokenExpiresAt: expiresAt,
    now,
    ...(serves ? { serves: serves.id } : {}),
  });
  await storeNewTokens(env, {
    accountId: me.user_id,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt,
    scopes,
    obtainedAt: now,
  });
  if (!serves) await subscribe(env, me.user_id, request.url);
  // The page comes after a redirect, so a reload shows the account, not a spent callback.
  const done = (flash: Flash) => backToAccount(request, env, me.user_id, flash, new Headers(clearFlowCookie));
  if (serves)
    return done({
      notice: {
        ok: true,
        text: `Connected: ${me.name} now speaks in ${serves.username}'s channel when a key of ${serves.username} sends as=bot.`,
      },
    });
  // A re-connect keeps the account's keys working; another full-power key nobody asked for
  // would only be one more secret to leak.
  const kept = existing ? (await automationKeys.list(env.DB, me.user_id)).length : 0;
  if (kept)
    return done({
      notice: {
        ok: true,
        text: `Re-connected ${me.name}. No new key was made: its ${kept === 1 ? "key keeps" : `${kept} keys keep`} working. Make another below if you need one.`,
      },
    });
  // The first key gets exactly what the granted scopes cover. When they cover nothing there is
  // no key at all: an empty list must never turn into "everything" further down.
  const capabilities = capabilitiesGranted(scopes);
  const created = capabilities.length
    ? await automationKeys.create(env.DB, { accountId: me.user_id, name: "default", capabilities, now })
    : null;
  return done(
    created
      ? { newKey: { key: created.key, name: created.info.name, inUrl: created.info.allowUrl } }
      : {
          notice: {
            text: `Connected, but no automation key was made: the scopes Kick granted (${scopes.join(" ")}) allow none of kick-edge's capabilities. Connect again and allow at least one.`,
          },
        },
  );
}
