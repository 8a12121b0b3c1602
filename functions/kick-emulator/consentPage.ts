import { KICK_SCOPES, type KickScope } from "../../shared/kick/scopes";
import { escapeHtml } from "./http";
import type { EmulatorUser, OAuthClient } from "./state";

/** The emulated consent screen: who is asking, for what, as whom; Approve or Deny. */
export function consentPage(
  client: OAuthClient,
  params: URLSearchParams,
  users: EmulatorUser[],
  sessionUserId: number,
): Response {
  const scopes = (params.get("scope") ?? "").split(" ").filter(Boolean);
  const hidden = [...params]
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
  const options = users
    .map(
      (u) =>
        `<option value="${u.user_id}"${u.user_id === sessionUserId ? " selected" : ""}>${escapeHtml(u.name)} (${u.user_id})</option>`,
    )
    .join("");
  const items = scopes
    .map((s) => `<li><code>${escapeHtml(s)}</code> ${escapeHtml(KICK_SCOPES[s as KickScope] ?? "")}</li>`)
    .join("");
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Authorize ${escapeHtml(client.name)} · Kick (emulator)</title>
<style>body{font-family:system-ui,sans-serif;background:#0b0e0f;color:#eee;max-width:32rem;margin:3rem auto;padding:0 1rem}button{font-size:1rem;padding:.6rem 1.4rem;margin-right:.5rem;border:0;border-radius:.4rem;cursor:pointer}#approve{background:#53fc18;color:#000}#deny{background:#333;color:#eee}code{color:#53fc18}.note{color:#999;font-size:.85rem}</style></head>
<body><h1>Authorize <em>${escapeHtml(client.name)}</em></h1>
<p>This app wants to:</p><ul>${items}</ul>
<form method="post" action="/oauth/authorize">${hidden}
<label>Log in as <select name="user_id" id="user">${options}</select></label>
<p><button id="approve" name="decision" value="approve">Approve</button><button id="deny" name="decision" value="deny">Deny</button></p></form>
<p class="note">This is the kick-edge Kick emulator, not kick.com. No real account is involved.</p></body></html>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}
