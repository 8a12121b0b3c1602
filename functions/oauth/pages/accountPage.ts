import type { Account, AutomationKeyInfo } from "../../../shared/storage/accountsStore";
import { ALL_CAPABILITIES, capabilitiesGranted } from "../../../shared/capabilities";
import { CAPABILITY_WORDS } from "../../../shared/capabilityWords";
import { html } from "../../../shared/http/html";
import { stateOf } from "./dashboardPage";
import { examples } from "./examples";
import type { NewKey, Notice } from "../../../shared/pages/controlRoom";
import { csrfField, layout, when } from "../../../shared/pages/layout";

/** The key form as it was sent, shown again with what was wrong beside each field. */
export interface KeyForm {
  name: string;
  picked: string[];
  allowUrl: boolean;
  allowGet: boolean;
  errors: { name?: string; capability?: string };
}

/**
 * One account: what it may do, its bot link, its keys, a new key (shown once) or a notice, and
 * disconnect. A bot has no keys: it speaks when its broadcaster's keys send as=bot. `csrf` is the
 * session's token, carried by every form.
 */
export function accountPage(
  account: Account,
  keys: AutomationKeyInfo[],
  automationsUrl: string,
  links: { bot: Account | null; serves: Account[] },
  { csrf, newKey, notice, form }: { csrf: string; newKey?: NewKey; notice?: Notice; form?: KeyForm },
) {
  const granted = capabilitiesGranted(account.scopes, true);
  const isBot = account.role === "bot";
  const channels = links.serves.map((b, i) => html`${i ? ", " : ""}<a href="/accounts/${b.id}">${b.username}</a>`);
  const keyRows = keys.map(
    (
      k,
    ) => html`<tr><td>${k.name}<br><code class="muted">ke_${k.id}_…</code></td><td data-label="Can">${k.capabilities.map((c) => CAPABILITY_WORDS[c].label).join(", ")}</td>
<td data-label="Sent">${k.allowUrl ? "in a header or the URL" : "in a header"}${k.allowGet ? "; may act on a plain GET" : ""}</td>
<td data-label="Created">${when(k.createdAt)}</td><td data-label="Last used">${when(k.lastUsedAt)}</td>
<td><a class="btn danger" href="/accounts/${account.id}/keys/${k.id}/revoke" aria-label="Revoke ${k.name}">Revoke</a></td></tr>`,
  );
  const sent = form ?? {
    name: "",
    picked: granted.filter((c) => c !== "overlay"),
    allowUrl: false,
    allowGet: false,
    errors: {} as KeyForm["errors"],
  };
  const problem = (field: keyof KeyForm["errors"]) =>
    sent.errors[field] ? html`<p class="bad" id="${field}-error">${sent.errors[field]}</p>` : "";
  const describedBy = (field: keyof KeyForm["errors"]) =>
    sent.errors[field] ? html` aria-describedby="${field}-error"` : "";
  const ticked = (on: boolean) => (on ? " checked" : "");
  const shown = newKey
    ? html`<div class="card" id="new-key"><h2>New key “${newKey.name}”</h2>
<p><strong>Copy it now: it is shown only once.</strong> Anyone with it can do what it allows.</p>
<div class="row"><input class="key" id="key" type="text" readonly value="${newKey.key}" aria-label="Automation key"><button type="button" id="copy" class="secondary">Copy</button></div>
${examples(automationsUrl, newKey.key, newKey.inUrl).map((e) => html`<h3>${e.tool}</h3><pre>${e.text}</pre>`)}</div>`
    : "";
  const botSection = isBot
    ? html`<h2>Automation keys</h2>
<div class="card" id="bot-keys"><p>A bot has no automation keys of its own. It speaks in the channel it chats for when that broadcaster's key sends <code>as=bot</code>, for example <code>{"message": "hi", "as": "bot"}</code> to <code>/v1/chat</code>.</p>
<p>To connect it again (new scopes, or after "needs re-connect"), use “Connect a bot account” on the page of the channel it chats for.</p></div>`
    : html`<h2>Bot account</h2>
<form class="card" method="post" action="/connect">${csrfField(csrf)}<input type="hidden" name="role" value="bot"><input type="hidden" name="broadcaster" value="${account.id}">
<p id="bot">${links.bot ? html`<a href="/accounts/${links.bot.id}">${links.bot.username}</a> speaks in this channel when a key of ${account.username} sends <code>as=bot</code>.` : html`No bot account: calls with <code>as=bot</code> are refused.`}</p>
<p>Connect another Kick account that chats in this channel${links.bot ? html` instead of ${links.bot.username}` : ""}; it is asked for chat only. On Kick's page, sign in as the bot, not as ${account.username} (a private window helps).</p>
<button id="connect-bot">Connect a bot account</button></form>`;
  return layout(
    account.username,
    html`<h1>${account.username} <span class="muted">(${account.role})</span></h1>
${notice ? html`<p class="${notice.ok ? "ok" : "bad"}" role="status" id="notice">${notice.text}</p>` : ""}${shown}
<div class="card"><table>
<tr><th>State</th><td>${stateOf(account, links.serves, csrf)}</td></tr>
${isBot ? html`<tr><th>Chats for</th><td id="serves">${links.serves.length ? channels : "no channel: connect it from a channel's page, or disconnect it"}</td></tr>` : ""}
<tr><th>Kick user id</th><td>${account.id}</td></tr>
<tr><th>Granted scopes</th><td><code>${account.scopes.join(" ")}</code></td></tr>
<tr><th>Token expires</th><td>${when(account.tokenExpiresAt)}</td></tr>
<tr><th>Connected</th><td>${when(account.connectedAt)}</td></tr>
<tr><th>Last refresh</th><td>${when(account.lastRefreshAt)}</td></tr>
</table></div>
${botSection}
${
  isBot
    ? ""
    : html`<h2>Automation keys</h2>
<div class="card">${keys.length ? html`<table class="stack"><thead><tr><th>Name</th><th>Can</th><th>Sent</th><th>Created</th><th>Last used</th><th></th></tr></thead><tbody>${keyRows}</tbody></table>` : html`<p>No keys.</p>`}</div>`
}
${
  isBot
    ? ""
    : granted.length
      ? html`<form class="card" id="key-form" method="post" action="/accounts/${account.id}/keys#key-form">${csrfField(csrf)}
<label>Key name <input type="text" name="name" maxlength="60" required placeholder="stream deck" value="${sent.name}"${sent.errors.name ? html` aria-invalid="true"` : ""}${describedBy("name")}></label>${problem("name")}
<fieldset${describedBy("capability")}><legend>What this key may do (limit each key to what its button or Zap needs):</legend>${problem("capability")}
${granted.map((c) => html`<label><input type="checkbox" name="capability" value="${c}"${ticked(sent.picked.includes(c))}> ${CAPABILITY_WORDS[c].label}${c === "overlay" ? html` <span class="muted">(ticked, the key is for the overlay alone: the other boxes are left out)</span>` : ""}</label>`)}</fieldset>
${ALL_CAPABILITIES.filter((c) => !granted.includes(c)).length ? html`<p class="muted">Other capabilities need a re-connect with more scopes.</p>` : ""}
<label><input type="checkbox" name="allow_url"${ticked(sent.allowUrl)}> May be sent in the URL (<code>?key=</code>): only for callers that cannot set a header (a Stream Deck button, an IFTTT applet, a chat-bot command). URLs end up in logs and Zap histories. An overlay key always may.</label>
<label><input type="checkbox" name="allow_get"${ticked(sent.allowGet)}> Allow plain GET requests to trigger actions (only for Stream Deck's Website button, which also sends the key in the URL; link previews could trigger them too)</label>
<p><button id="create-key">Create key</button></p></form>`
      : html`<p class="card">The scopes this account granted allow no capability, so it can have no key. Connect it again and allow at least one.</p>`
}
<h2>Disconnect</h2>
<p class="card">Ends everything kick-edge does as ${account.username}; the next page says what stops, and asks first.
<a class="btn danger" id="disconnect" href="/accounts/${account.id}/disconnect">Disconnect ${account.username}</a></p>`,
    { csrf },
  );
}
