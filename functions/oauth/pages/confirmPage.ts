import type { Account, AutomationKeyInfo } from "../../../shared/storage/accountsStore";
import { html, type SafeHtml } from "../../../shared/http/html";
import { csrfField, layout } from "../../../shared/pages/layout";
import { labels } from "../keyPresets";

/**
 * The question before a step that cannot be undone: what stops working, then the real POST form.
 * The page before only links here, so one slip never revokes anything, and no script is needed.
 */
function confirmPage(title: string, stops: SafeHtml, action: string, button: string, back: string, csrf: string) {
  return layout(
    title,
    html`<h1>${title}</h1>
<form class="card" method="post" action="${action}">${csrfField(csrf)}${stops}
<p class="row"><button class="danger" id="confirm">${button}</button><a href="${back}">Cancel, keep it</a></p></form>`,
    { csrf },
  );
}

export const revokePage = (account: Account, key: AutomationKeyInfo, csrf: string) =>
  confirmPage(
    `Revoke the key “${key.name}”?`,
    html`<p>Whatever sends this key stops working at once: every Zap, applet, Stream Deck button, bot command or overlay that uses it is refused from then on. It could do: ${labels(key.capabilities)}.</p>
<p>A revoked key cannot be brought back; make a new one to replace it.</p>`,
    `/accounts/${account.id}/keys/${key.id}/revoke`,
    `Revoke “${key.name}”`,
    `/accounts/${account.id}`,
    csrf,
  );

/** What ends with this account, named: its keys, its channel's automations, its bot link. */
export function disconnectPage(
  account: Account,
  keys: AutomationKeyInfo[],
  { bot, serves }: { bot: Account | null; serves: Account[] },
  csrf: string,
) {
  const name = account.username;
  const stops =
    account.role === "bot"
      ? html`<li>${serves.length ? html`${serves.map((b) => b.username).join(", ")} then ha${serves.length > 1 ? "ve" : "s"} no bot, and their <code>as=bot</code> calls are refused.` : "It chats for no channel here, so no channel loses its bot."}</li>`
      : html`<li>${keys.length ? `Its ${keys.length === 1 ? "key" : `${keys.length} keys`} (${keys.map((k) => k.name).join(", ")}) stop${keys.length === 1 ? "s" : ""} working: every Zap, Stream Deck button, bot command or overlay that sends one is refused.` : "It has no keys."}</li>
<li>Nothing more happens in ${name}'s channel: its go-live announcement, timed messages, chat replies and relays are deleted, with its KICKs history, and Kick stops sending its events here.</li>
${bot ? html`<li>Its bot ${bot.username} is unlinked: it stays connected, chatting for no channel here, until you connect it from a channel's page or disconnect it.</li>` : ""}
<li>Connecting it again later starts afresh, with a new key.</li>`;
  return confirmPage(
    `Disconnect ${name}?`,
    html`<ul><li>kick-edge's access to ${name} is revoked at Kick, and its tokens are deleted here.</li>
${stops}</ul>`,
    `/accounts/${account.id}/disconnect`,
    `Disconnect ${name}`,
    `/accounts/${account.id}`,
    csrf,
  );
}
