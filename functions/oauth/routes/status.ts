import { accounts, type Account, type BotLink } from "../../../shared/storage/accountsStore";
import { capabilitiesGranted } from "../../../shared/capabilities";
import { html } from "../../../shared/http/html";
import { guard, type OAuthRequest } from "../guard";
import type { OAuthEnv } from "../settings";
import { linksOf, linkWords, stateOf } from "../pages/dashboardPage";
import { layout, when } from "../../../shared/pages/layout";
import { page } from "../../../shared/pages/respond";
import { countFlowsOnOldKeys } from "../oauthFlows";
import { countTokensOnOldKeys } from "../../../shared/storage/tokenStore";
import { relaySecretsSweep } from "../../../shared/storage/rulesStore";
import { keyRing } from "../../../shared/tokens/encryptionKeys";
import { sealedUnderCurrentKey } from "../../../shared/tokens/seal";

/**
 * After TOKEN_ENCRYPTION_KEY rotates: what is still sealed under an older key. The refresh
 * Worker's hourly housekeeping moves token records and relay secrets; flows expire in minutes.
 * At zero, the old key can leave TOKEN_ENCRYPTION_KEYS_OLD.
 */
async function onOldKeys(env: OAuthEnv) {
  const current = sealedUnderCurrentKey(await keyRing(env));
  const [token_records, relay_secrets, oauth_flows] = await Promise.all([
    countTokensOnOldKeys(env.DB, current),
    relaySecretsSweep.count(env.DB, current),
    countFlowsOnOldKeys(env.DB, current),
  ]);
  return { token_records, relay_secrets, oauth_flows };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const named = (a: Account) => ({ id: a.id, username: a.username });

function statusOf(a: Account, reconnectUrl: string, all: Account[], links: BotLink[]) {
  const { bot, serves } = linksOf(a, all, links);
  return {
    id: a.id,
    username: a.username,
    role: a.role,
    // A broadcaster's bot (who speaks for as=bot), or the channels a bot chats for.
    ...(a.role === "broadcaster" ? { bot: bot && named(bot) } : { serves: serves.map(named) }),
    state: a.needsReconnect ? "needs_reconnect" : "connected",
    reconnect_reason: a.reconnectReason,
    reconnect_url: a.needsReconnect ? reconnectUrl : null,
    scopes: a.scopes,
    capabilities: capabilitiesGranted(a.scopes),
    token_expires_at: iso(a.tokenExpiresAt),
    connected_at: iso(a.connectedAt),
    last_refresh_at: iso(a.lastRefreshAt),
  };
}

/** Tools ask for JSON by `Accept` or `?format=json`; people get HTML. */
const wantsJson = (request: Request) =>
  new URL(request.url).searchParams.get("format") === "json" ||
  (request.headers.get("accept") ?? "").includes("application/json");

/** The guard for /status: a tool that asked for JSON is refused in JSON, with the guard's status. */
export async function guardStatus(request: OAuthRequest, env: OAuthEnv, now: number): Promise<Response | undefined> {
  const stop = await guard(request, env, now);
  if (!stop || !wantsJson(request)) return stop;
  return Response.json(
    { ok: false, error: { code: "unauthorized", message: "sign in, or send Authorization: Bearer <ADMIN_SECRET>" } },
    { status: stop.status },
  );
}

/**
 * GET /status: connected accounts for people (HTML) and tools (JSON; tools authenticate with
 * `Authorization: Bearer <ADMIN_SECRET>`).
 */
export async function status(request: OAuthRequest, env: OAuthEnv): Promise<Response> {
  const [all, links, old] = await Promise.all([accounts.list(env.DB), accounts.botLinks(env.DB), onOldKeys(env)]);
  if (wantsJson(request))
    return Response.json(
      {
        ok: true,
        data: {
          accounts: all.map((a) => statusOf(a, `${new URL(request.url).origin}/`, all, links)),
          sealed_on_old_keys: old,
        },
      },
      { headers: { "cache-control": "no-store" } },
    );
  const stale = old.token_records + old.relay_secrets + old.oauth_flows;
  const rows = all.map(
    (
      a,
    ) => html`<tr><td>${a.username}<br><span class="muted">${a.role} · ${a.id} · ${linkWords(a, all, links)}</span></td><td data-label="State">${stateOf(a, linksOf(a, all, links).serves, request.session?.csrf ?? "")}</td>
<td data-label="Scopes"><code>${a.scopes.join(" ")}</code></td><td data-label="Token expires">${when(a.tokenExpiresAt)}</td><td data-label="Last refresh">${when(a.lastRefreshAt)}</td></tr>`,
  );
  return page(
    layout(
      "Status",
      html`<h1>Status</h1><div class="card">${all.length ? html`<table class="stack"><thead><tr><th>Account</th><th>State</th><th>Scopes</th><th>Token expires</th><th>Last refresh</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p>No accounts connected.</p>`}</div>
<p id="old-keys" class="${stale ? "bad" : "muted"}">${stale ? `After the key rotation, ${old.token_records} token records, ${old.relay_secrets} relay secrets and ${old.oauth_flows} pending connects are still sealed under an older key; the hourly housekeeping moves them. Keep the old key in TOKEN_ENCRYPTION_KEYS_OLD until this reads zero.` : "Everything is sealed under the current encryption key."}</p>
<p class="muted">JSON: <code>/status?format=json</code></p>`,
      { csrf: request.session?.csrf },
    ),
  );
}
