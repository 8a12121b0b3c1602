import { accounts, automationKeys, type Account } from "../../../shared/storage/accountsStore";
import { capabilitiesGranted, isCapability } from "../../../shared/capabilities";
import { CAPABILITY_WORDS } from "../../../shared/capabilityWords";
import { labels, PRESETS } from "../keyPresets";
import { revokeToken } from "../../../shared/kick/index";
import { deleteTokenRecord, readAuthoritativeTokenRecord } from "../../../shared/storage/tokenStore";
import { unsubscribeChannel } from "../../../shared/webhooks/unsubscribeChannel";
import type { OAuthRequest } from "../guard";
import { kickFor, kickFormTargets, oauthSettings, type OAuthEnv } from "../settings";
import { accountPage, type KeyForm } from "../pages/accountPage";
import { disconnectPage, revokePage } from "../pages/confirmPage";
import { flashCookie, takeFlash } from "../flash";
import type { Flash } from "../../../shared/pages/controlRoom";
import { linksOf } from "../pages/dashboardPage";
import { messagePage } from "../pages/messagePage";
import { page, seeOther } from "../../../shared/pages/respond";

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

/** An account's keys and bot links, read afresh. */
async function keysAndLinks(env: OAuthEnv, account: Account) {
  const [keys, all, links] = await Promise.all([
    automationKeys.list(env.DB, account.id),
    accounts.list(env.DB),
    accounts.botLinks(env.DB),
  ]);
  return { keys, links: linksOf(account, all, links) };
}

/**
 * An account's page as it stands. A broadcaster's page carries the bot's connect form, which
 * lands on Kick: the CSP must allow that target.
 */
export async function accountResponse(
  env: OAuthEnv,
  account: Account,
  options: Flash & { csrf?: string; form?: KeyForm; headers?: HeadersInit; status?: number },
): Promise<Response> {
  const { keys, links } = await keysAndLinks(env, account);
  return page(
    accountPage(account, keys, oauthSettings(env).automationsUrl, links, { ...options, csrf: options.csrf ?? "" }),
    { status: options.status, headers: options.headers, formTargets: kickFormTargets(env) },
  );
}

/** GET /accounts/:id, with what the POST before it did (a new key is shown here, once). */
export async function showAccount(request: AccountRequest, env: OAuthEnv): Promise<Response> {
  const { flash, drop } = await takeFlash(request, env, request.account.id);
  return accountResponse(env, request.account, {
    ...flash,
    csrf: request.session?.csrf,
    headers: drop ? { "set-cookie": drop } : {},
  });
}

/** To the account page, with what just happened riding along in the one-time cookie. */
export const backToAccount = async (
  request: Request,
  env: OAuthEnv,
  id: number,
  flash: Flash,
  headers = new Headers(),
) => {
  headers.append("set-cookie", await flashCookie(request, env, id, flash));
  return seeOther(`/accounts/${id}${flash.newKey ? "#new-key" : ""}`, headers);
};

/**
 * POST /accounts/:id/keys: a named key limited to some of the account's capabilities. Made, it
 * is shown after a redirect, so a reload makes no second key; refused, the form comes back as
 * sent (400), each problem beside its field.
 */
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
  // A preset decides everything the boxes would; they were hidden, and may hold stale ticks.
  const preset = PRESETS.find((p) => p.id === form.get("preset"));
  const picked = form.getAll("capability").map(String);
  const allowUrl = form.get("allow_url") === "on";
  const allowGet = form.get("allow_get") === "on";
  // An overlay key is read-only and can do nothing else, while the other boxes start ticked: a
  // tick on the overlay means "an overlay key", said so on the next page, not an error.
  const overlay = !preset && picked.includes("overlay");
  const granted = capabilitiesGranted(account.scopes, true);
  const wanted = preset ? preset.can.filter((c) => granted.includes(c)) : overlay ? ["overlay"] : picked;
  const problems = [
    wanted.length
      ? null
      : preset
        ? `this account granted nothing “${preset.label}” uses (${labels(preset.can)}): re-connect to allow it, or pick Custom`
        : "pick at least one thing the key may do",
    ...wanted.map((c) =>
      !isCapability(c)
        ? `${c} is not a capability`
        : granted.includes(c)
          ? null
          : `${CAPABILITY_WORDS[c].label} was not granted to this account (re-connect to add it)`,
    ),
  ].filter((p) => p !== null);
  const errors = {
    ...(name.length === 0 || name.length > 60 ? { name: "Give the key a name of 1 to 60 characters." } : {}),
    ...(problems.length ? { capability: `Not made: ${problems.join("; ")}.` } : {}),
  };
  if (errors.name || errors.capability)
    return accountResponse(env, account, {
      csrf,
      status: 400,
      form: { name, preset: preset?.id ?? "custom", picked, allowUrl, allowGet, errors },
    });
  const created = await automationKeys.create(env.DB, {
    accountId: account.id,
    name,
    capabilities: wanted.filter(isCapability),
    allowGet: preset ? !!preset.get : allowGet,
    // OBS and Stream Deck's open-URL button can only send a URL: such keys must be allowed there.
    allowUrl: preset ? !!preset.url : allowUrl || allowGet || overlay,
    now,
  });
  return backToAccount(request, env, account.id, {
    newKey: { key: created.key, name, inUrl: created.info.allowUrl },
    ...(overlay && picked.length > 1
      ? {
          notice: {
            ok: true,
            text: `“${name}” is an overlay key: read-only, for OBS, and nothing else. The other ticked boxes were left out; make another key for them.`,
          },
        }
      : {}),
  });
}

const keyOf = async (env: OAuthEnv, { account, params }: AccountRequest) =>
  (await automationKeys.list(env.DB, account.id)).find((k) => k.id === params.keyId);

/** GET /accounts/:id/keys/:keyId/revoke: asks first, naming the key and what stops working. */
export async function confirmRevoke(request: AccountRequest, env: OAuthEnv): Promise<Response> {
  const key = await keyOf(env, request);
  const { account, session } = request;
  return key
    ? page(revokePage(account, key, session?.csrf ?? ""))
    : page(
        messagePage("No such key", "That key was revoked already, or never was one of this account's.", {
          csrf: session?.csrf,
          next: `/accounts/${account.id}`,
        }),
        { status: 404 },
      );
}

/** POST /accounts/:id/keys/:keyId/revoke */
export async function revokeKey(request: AccountRequest, env: OAuthEnv, now: number): Promise<Response> {
  const key = await keyOf(env, request);
  const revoked = key && (await automationKeys.revoke(env.DB, request.account.id, key.id, now));
  return backToAccount(request, env, request.account.id, {
    notice: revoked
      ? { ok: true, text: `Revoked “${key.name}”: calls with it are refused from now on.` }
      : { text: "That key was revoked already." },
  });
}

/** GET /accounts/:id/disconnect: asks first, naming what stops working. */
export async function confirmDisconnect({ account, session }: AccountRequest, env: OAuthEnv): Promise<Response> {
  const { keys, links } = await keysAndLinks(env, account);
  return page(disconnectPage(account, keys, links, session?.csrf ?? ""));
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
