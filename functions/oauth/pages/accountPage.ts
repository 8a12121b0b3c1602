import type { Account, AutomationKeyInfo } from "../../../shared/storage/accountsStore";
import { ALL_CAPABILITIES, capabilitiesGranted } from "../../../shared/capabilities";
import { CAPABILITY_WORDS } from "../../../shared/capabilityWords";
import { html } from "../../../shared/http/html";
import { stateOf } from "./dashboardPage";
import { examples } from "./examples";
import type { NewKey, Notice } from "../../../shared/pages/controlRoom";
import { accountNav, csrfField, layout, when } from "../../../shared/pages/layout";
import { labels, PRESETS } from "../keyPresets";

/** The key form as it was sent, shown again with what was wrong beside each field. */
export interface KeyForm {
  name: string;
  /** A PRESETS id, or "custom": the boxes. */
  preset: string;
  picked: string[];
  allowUrl: boolean;
  allowGet: boolean;
  errors: { name?: string; capability?: string };
}

/** How a key is sent, and whether a plain GET sets it off: the key table and the presets say it alike. */
const sentHow = (url?: boolean, get?: boolean) =>
  `sent in a header${url ? " or the URL" : " only"}; ${get ? "acts on a plain GET" : "never acts on a plain GET"}`;

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
    ) => html`<tr><td>${k.name}<br><code class="muted">ke_${k.id}_…</code></td><td data-label="Can">${labels(k.capabilities)}</td>
<td data-label="Sent">${sentHow(k.allowUrl, k.allowGet)}</td>
<td data-label="Created">${when(k.createdAt)}</td><td data-label="Last used">${when(k.lastUsedAt)}</td>
<td><a class="btn danger" href="/accounts/${account.id}/keys/${k.id}/revoke" aria-label="Revoke ${k.name}">Revoke</a></td></tr>`,
  );
  const sent = form ?? {
    name: "",
    preset: "custom",
    picked: granted.filter((c) => c !== "overlay"),
    allowUrl: false,
    allowGet: false,
    errors: {} as KeyForm["errors"],
  };
  const ticked = (on: boolean) => (on ? " checked" : "");
  // The key as stored, not as the flash says: its examples are the calls it can run.
  const made = newKey && keys.find((k) => newKey.key.startsWith(`ke_${k.id}_`));
  const problem = (field: keyof KeyForm["errors"]) =>
    sent.errors[field] ? html`<p class="bad" id="${field}-error">${sent.errors[field]}</p>` : "";
  const describedBy = (field: keyof KeyForm["errors"]) =>
    sent.errors[field] ? html` aria-describedby="${field}-error"` : "";
  // The capability problem sits where it was made: with the presets, or with Custom's boxes.
  const here = (custom: boolean) => (sent.preset === "custom") === custom;
  const shown = newKey
    ? html`<div class="card" id="new-key"><h2>New key “${newKey.name}”</h2>
<p><strong>Copy it now: it is shown only once.</strong> Anyone with it can do what it allows.</p>
<div class="row"><input class="key" id="key" type="text" readonly value="${newKey.key}" aria-label="Automation key"><button type="button" id="copy" class="secondary">Copy</button></div>
${made && examples(automationsUrl, newKey.key, made).map((e) => html`<h3>${e[0]}</h3><pre>${e[1]}</pre>`)}</div>`
    : "";
  const botSection = isBot
    ? html`<h2>Automation keys</h2>
<div class="card" id="bot-keys"><p>A bot has no automation keys of its own. It speaks when a key of the channel it chats for sends <code>as=bot</code>, for example <code>{"message": "hi", "as": "bot"}</code> to <code>/v1/chat</code>.</p>
<p>To connect it again, use “Connect a bot account” on that channel's page.</p></div>`
    : html`<h2>Bot account</h2>
<form class="card" method="post" action="/connect">${csrfField(csrf)}<input type="hidden" name="role" value="bot"><input type="hidden" name="broadcaster" value="${account.id}">
<p id="bot">${links.bot ? html`<a href="/accounts/${links.bot.id}">${links.bot.username}</a> speaks in this channel when a key of ${account.username} sends <code>as=bot</code>.` : html`No bot account: calls with <code>as=bot</code> are refused.`}</p>
<p>Connect another Kick account that chats in this channel${links.bot ? html` instead of ${links.bot.username}` : ""}; it is asked for chat only. On Kick's page, sign in as the bot, not as ${account.username} (a private window helps).</p>
<button id="connect-bot">Connect a bot account</button></form>`;
  return layout(
    account.username,
    html`<h1>${account.username} <span class="muted">(${account.role})</span></h1>${isBot ? "" : accountNav(account.id, "")}
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
<fieldset${here(false) && describedBy("capability")}><legend>What the key is for</legend>${here(false) && problem("capability")}
${PRESETS.map((p) => html`<label><input type="radio" name="preset" value="${p.id}"${ticked(sent.preset === p.id)}> ${p.label} <span class="muted">— ${labels(p.can.filter((c) => granted.includes(c))) || "nothing this account granted"}; ${sentHow(p.url, p.get)}</span></label>`)}
<label><input type="radio" name="preset" value="custom"${ticked(sent.preset === "custom")}> Custom <span class="muted">— the boxes below</span></label></fieldset>
<fieldset${here(true) && describedBy("capability")} class="custom"><legend>Custom: what this key may do</legend>${here(true) && problem("capability")}
${granted.map((c) => html`<label><input type="checkbox" name="capability" value="${c}"${ticked(sent.picked.includes(c))}> ${CAPABILITY_WORDS[c].label}</label>`)}
<label><input type="checkbox" name="allow_url"${ticked(sent.allowUrl)}> May be sent in the URL (<code>?key=</code>): URLs end up in logs and histories.</label>
<label><input type="checkbox" name="allow_get"${ticked(sent.allowGet)}> Acts on a plain GET (and may be sent in the URL): a link preview could set it off.</label></fieldset>
${ALL_CAPABILITIES.filter((c) => !granted.includes(c)).length ? html`<p class="muted">Other capabilities need a re-connect with more scopes.</p>` : ""}
<p><button id="create-key">Create key</button></p></form>`
      : html`<p class="card">The scopes this account granted allow no capability, so it can have no key: connect it again and allow one.</p>`
}
<h2>Disconnect</h2>
<p class="card">Ends everything kick-edge does as ${account.username}; the next page says what stops, and asks first.
<a class="btn danger" id="disconnect" href="/accounts/${account.id}/disconnect">Disconnect ${account.username}</a></p>`,
    { csrf },
  );
}
