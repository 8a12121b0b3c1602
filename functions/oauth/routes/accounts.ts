import { accounts, automationKeys, type Account } from "../../../shared/storage/accountsStore";
import { capabilitiesGranted, isCapability } from "../../../shared/capabilities";
import { CAPABILITY_WORDS } from "../../../shared/capabilityWords";
import { revokeToken } from "../../../shared/kick/index";
import { deleteTokenRecord, readAuthoritativeTokenRecord } from "../../../shared/storage/tokenStore";
import { unsubscribeChannel } from "../../../shared/webhooks/unsubscribeChannel";
import type { OAuthRequest } from "../guard";
import { kickFor, oauthSettings, type OAuthEnv } from "../settings";
import { accountPage } from "../pages/accountPage";
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

/** GET /accounts/:id */
export async function showAccount({ account, session }: AccountRequest, env: OAuthEnv): Promise<Response> {
  return page(
    accountPage(account, await automationKeys.list(env.DB, account.id), oauthSettings(env).automationsUrl, {
      csrf: session?.csrf ?? "",
    }),
  );
}

/** POST /accounts/:id/keys: a named key limited to some of the account's capabilities. */
export async function createKey(request: AccountRequest, env: OAuthEnv, now: number): Promise<Response> {
  const { account } = request;
  const csrf = request.session?.csrf;
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
  return page(
    accountPage(account, await automationKeys.list(env.DB, account.id), oauthSettings(env).automationsUrl, {
      csrf: csrf ?? "",
      newKey: { key: created.key, name, inUrl: created.info.allowUrl },
    }),
  );
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
