import type { Account, BotLink } from "../../../shared/storage/accountsStore";
import { CAPABILITIES, CONNECT_CAPABILITIES, capabilitiesGranted } from "../../../shared/capabilities";
import { CAPABILITY_WORDS } from "../../../shared/capabilityWords";
import { html } from "../../../shared/http/html";
import { csrfField, layout, reconnectWords, when } from "../../../shared/pages/layout";
import { labels } from "../keyPresets";

/**
 * Why an account needs re-connecting, in words a streamer can act on: the stored reason may
 * carry Kick's raw error code, which stays for tools in /status's JSON.
 */

/**
 * An account's state, with a Re-connect button when it needs one. A broadcaster asks Kick again
 * for what it was granted; a bot is re-connected for a channel it chats for, as it was connected.
 */
export function stateOf(a: Account, serves: Account[], csrf: string) {
  if (!a.needsReconnect) return html`<span class="ok">connected</span>`;
  const fields =
    a.role === "broadcaster"
      ? capabilitiesGranted(a.scopes).map((c) => html`<input type="hidden" name="capability" value="${c}">`)
      : serves[0] &&
        html`<input type="hidden" name="role" value="bot"><input type="hidden" name="broadcaster" value="${serves[0].id}">`;
  return html`<span class="bad">Needs re-connect: ${reconnectWords(a.reconnectReason)}. Its keys and rules stay as they are.</span> ${
    fields
      ? html`<form class="inline" method="post" action="/connect">${csrfField(csrf)}${fields}<button aria-label="Re-connect ${a.username}">Re-connect</button></form>`
      : "Connect it again from the page of a channel for it to chat in."
  }`;
}

/** An account's side of the bot links: a broadcaster's bot, or the channels a bot chats for. */
export function linksOf(account: Account, all: Account[], links: BotLink[]) {
  const byId = (id: number) => all.find((a) => a.id === id);
  const botId = links.find((l) => l.broadcasterId === account.id)?.botId;
  return {
    bot: botId === undefined ? null : (byId(botId) ?? null),
    serves: links.flatMap((l) => (l.botId === account.id ? (byId(l.broadcasterId) ?? []) : [])),
  };
}

/** The link in a few words, for the account lists: which bot, or which channels. */
export function linkWords(account: Account, all: Account[], links: BotLink[]): string {
  const { bot, serves } = linksOf(account, all, links);
  if (account.role === "broadcaster") return bot ? `bot: ${bot.username}` : "no bot";
  return serves.length ? `chats for ${serves.map((a) => a.username).join(", ")}` : "chats for no channel";
}

/** Connected accounts (with their bot links), the form that connects a broadcaster, and signing out every browser. */
export function dashboardPage(accounts: Account[], links: BotLink[], csrf: string, notice?: string) {
  const rows = accounts.map(
    (
      a,
    ) => html`<tr><td><a href="/accounts/${a.id}">${a.username}</a><br><span class="muted">${a.role} · ${a.id} · ${linkWords(a, accounts, links)}</span></td>
<td data-label="State">${stateOf(a, linksOf(a, accounts, links).serves, csrf)}</td>
<td data-label="Can">${labels(capabilitiesGranted(a.scopes)) || "identity only"}</td>
<td data-label="Token expires">${when(a.tokenExpiresAt)}</td></tr>`,
  );
  const boxes = CONNECT_CAPABILITIES.map(
    (c) =>
      html`<label><input type="checkbox" name="capability" value="${c}" checked> <strong>${CAPABILITY_WORDS[c].label}</strong> <span class="muted">— ${CAPABILITY_WORDS[c].why} (${CAPABILITIES[c].scopes.join(", ")})</span></label>`,
  );
  return layout(
    "Accounts",
    html`<h1>Kick accounts</h1>
${notice ? html`<p class="ok" role="status">${notice}</p>` : ""}
<div class="card">${
      accounts.length
        ? html`<table class="stack"><thead><tr><th>Account</th><th>State</th><th>Can</th><th>Token expires</th></tr></thead><tbody>${rows}</tbody></table>`
        : html`<p>No Kick account is connected yet.</p>`
    }</div>
<h2>Connect a channel</h2>
<form class="card" method="post" action="/connect">${csrfField(csrf)}
<p>Connect a <strong>broadcaster</strong> account: the channel to automate. A <strong>bot</strong> account that chats in it is connected from the channel's page.</p>
<p>What kick-edge may do. Each item asks Kick for the fewest scopes it needs; <code>user:read</code> always, to know who connected.</p>
${boxes}
<p><button id="connect">Continue to Kick</button></p></form>
<h2>Sessions</h2>
<form class="card" method="post" action="/logout/everywhere">${csrfField(csrf)}
<p>Signs out every browser signed in here, this one too: for a lost device or a cookie that may have been copied. Sessions also end after 30 minutes without use, and 12 hours after sign-in.</p>
<button class="danger" id="logout-everywhere">Sign out everywhere</button></form>`,
    { csrf },
  );
}
