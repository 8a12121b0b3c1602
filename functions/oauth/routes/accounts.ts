import { accounts, automationKeys, type Account } from "../../../shared/storage/accountsStore";
import { capabilitiesGranted, isCapability } from "../../../shared/capabilities";
import { CAPABILITY_WORDS } from "../../../shared/capabilityWords";
import { revokeToken } from "../../../shared/kick/index";
import { deleteTokenRecord, readAuthoritativeTokenRecord } from "../../../shared/storage/tokenStore";
import { unsubscribeChannel } from "../../../shared/webhooks/unsubscribeChannel";
import type { OAuthRequest } from "../guard";
import { kickFor, kickFormTargets, oauthSettings, type OAuthEnv } from "../settings";
import { accountPage, type NewKey, type Notice } from "../pages/accountPage";
import { linksOf } from "../pages/dashboardPage";
import { messagePage } from "../pages/messagePage";
import { page, seeOther } from "../respond";

/** A request for one account's routes, after `withAccount` found that account. */
export type AccountRequest = OAuthRequest & { account: Account };

/** Loads the account named by `:id` onto the request, or answers 404 when it is not connected. */
export async function withAccount(
  request: OAuthRequest & { account?: Account },
  env: OAuthEnv,
): Promise<Response | undefined> {
  const id = Number(request.params.id);
  const account = Number.isInteger(id) ? await accounts.get(env.DB, id) : null;
  if (!account)
    return page(
      messagePage("No such account", "That account is not connected here.", { csrf: request.session?.csrf }),
      { status: 404 },
    );
  request.account = account;
}

/**
 * An account's page as it stands: its keys and bot links read afresh. A broadcaster's page
 * carries the bot's connect form, which lands on Kick: the CSP must allow that target.
 */
export async function accountResponse(
  env: OAuthEnv,
  account: Account,
  options: { csrf?: string; newKey?: NewKey; notice?: Notice; headers?: HeadersInit },
): Promise<Response> {
  const [keys, all, links] = await Promise.all([
    automationKeys.list(env.DB, account.id),
    accounts.list(env.DB),
    accounts.botLinks(env.DB),
  ]);
  return page(
    accountPage(account, keys, oauthSettings(env).automationsUrl, linksOf(account, all, links), {
      ...options,
      csrf: options.csrf ?? "",
    }),
    { headers: options.headers, formTargets: kickFormTargets(env) },
  );
}

/** GET /accounts/:id */
export async function showAccount({ account, session }: AccountRequest, env: OAuthEnv): Promise<Response> {
  return accountResponse(env, account, { csrf: session?.csrf });
}

/** POST /accounts/:id/keys: a named key limited to some of the account's capabilities. */
export async function createKey(request: AccountRequest, env: OAuthEnv, now: number): Promise<Response> {
  const { account } = request;
  const csrf = request.session?.csrf;
  // A bot's key would act in the bot's own channel, never in the one it chats for.
  if (account.role === "bot")
    return page(
      messagePage(
        "Key not created",
        "A bot has no keys of its own: use a key of the broadcaster it chats for, with as=bot.",
        { csrf, next: `/accounts/${account.id}` },
      ),
      { status: 400 },
    );
  const form = await request.formData();
  const name = String(form.get("name") ?? "").trim();
  const picked = form.getAll("capability").map(String);
  const granted = capabilitiesGranted(account.scopes, true);
  const problems = [
    name.length === 0 || name.length > 60 ? "name: give the key a name of 1 to 60 characters" : null,
    picked.length === 0 ? "capability: pick at least one thing the key may do" : null,
    ...picked.filter((c) => !isCapability(c)).map((c) => `capability: ${c} is not a capability`),
    ...picked
      .filter((c) => isCapability(c) && !granted.includes(c))
      .map(
        (c) =>
          `capability: ${isCapability(c) ? CAPABILITY_WORDS[c].label : c} was not granted to this account (re-connect to add it)`,
      ),
    picked.includes("overlay") && picked.length > 1
      ? "capability: an overlay key is read-only and can do nothing else; make it with only the overlay"
      : null,
  ].filter((p): p is string => p !== null);
  if (problems.length)
    return page(messagePage("Key not created", problems.join(". ") + ".", { csrf, next: `/accounts/${account.id}` }), {
      status: 400,
    });
  const created = await automationKeys.create(env.DB, {
    accountId: account.id,
    name,
    capabilities: picked.filter(isCapability),
    allowGet: form.get("allow_get") === "on",
    // OBS and Stream Deck's open-URL button can only send a URL: such keys must be allowed there.
    allowUrl: form.get("allow_url") === "on" || form.get("allow_get") === "on" || picked.includes("overlay"),
    now,
  });
  return accountResponse(env, account, { csrf, newKey: { key: created.key, name, inUrl: created.info.allowUrl } });
}

/** POST /accounts/:id/keys/:keyId/revoke */
export async function revokeKey({ account, params }: AccountRequest, env: OAuthEnv, now: number): Promise<Response> {
  await automationKeys.revoke(env.DB, account.id, String(params.keyId), now);
  return seeOther(`/accounts/${account.id}`);
}

/**
 * POST /accounts/:id/disconnect: revoke both tokens at Kick and delete the channel's event
 * subscriptions, then forget the tokens, the account and its keys. Forgetting happens even when Kick cannot be reached: the user asked to leave.
 */
export async function disconnect({ account }: AccountRequest, env: OAuthEnv, now: number): Promise<Response> {
  // D1 holds the newest tokens (KV may be a minute stale). Deleting its row first also fences out
  // a refresh in flight: its write finds no row, so it never puts tokens back.
  const record = await readAuthoritativeTokenRecord(env, account.id).catch(() => null);
  await deleteTokenRecord(env, account.id);
  const config = kickFor(env);
  await Promise.allSettled([
    ...(record
      ? [
          revokeToken(config, record.refreshToken, "refresh_token"),
          revokeToken(config, record.accessToken, "access_token"),
        ]
      : []),
    // Its events must stop arriving at the webhooks Worker (the subscriptions belong to the app).
    ...(account.role === "broadcaster" ? [unsubscribeChannel(env, config, account.id, now)] : []),
  ]);
  await accounts.remove(env.DB, account.id);
  return seeOther("/?done=disconnected");
}
