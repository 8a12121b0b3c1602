import type { Account } from "../../../shared/storage/accountsStore";
import { CAPABILITIES, CONNECT_CAPABILITIES, capabilitiesGranted } from "../../../shared/capabilities";
import { CAPABILITY_WORDS } from "../../../shared/capabilityWords";
import { html } from "../../../shared/http/html";
import { csrfField, layout, when } from "./layout";

export function accountStatus(a: Account): string {
  return a.needsReconnect ? `needs re-connect${a.reconnectReason ? ` (${a.reconnectReason})` : ""}` : "connected";
}

/** Connected accounts, the form that connects another, and signing out every browser. */
export function dashboardPage(accounts: Account[], csrf: string, notice?: string) {
  const rows = accounts.map(
    (
      a,
    ) => html`<tr><td><a href="/accounts/${a.id}">${a.username}</a><br><span class="muted">${a.role} · ${a.id}</span></td>
<td class="${a.needsReconnect ? "bad" : "ok"}">${accountStatus(a)}</td>
<td>${
      capabilitiesGranted(a.scopes)
        .map((c) => CAPABILITY_WORDS[c].label)
        .join(", ") || "identity only"
    }</td>
<td>${when(a.tokenExpiresAt)}</td></tr>`,
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
        ? html`<table><thead><tr><th>Account</th><th>State</th><th>Can</th><th>Token expires</th></tr></thead><tbody>${rows}</tbody></table>`
        : html`<p>No Kick account is connected yet.</p>`
    }</div>
<h2>Connect an account</h2>
<form class="card" method="post" action="/connect">${csrfField(csrf)}
<p>Connect the <strong>broadcaster</strong> account (the channel to automate), or a separate <strong>bot</strong> account that chats in it.</p>
<label><input type="radio" name="role" value="broadcaster" checked> Broadcaster</label>
<label><input type="radio" name="role" value="bot"> Bot account (chat only: pick just "Chat")</label>
<p>What kick-edge may do. Each item asks Kick for the fewest scopes it needs; <code>user:read</code> is always asked, to know which account connected.</p>
${boxes}
<p><button id="connect">Continue to Kick</button></p></form>
<h2>Sessions</h2>
<form class="card" method="post" action="/logout/everywhere">${csrfField(csrf)}
<p>Signs out every browser signed in here, this one too: for a lost device or a cookie that may have been copied. Sessions also end after 30 minutes without use, and 12 hours after sign-in.</p>
<button class="danger" id="logout-everywhere">Sign out everywhere</button></form>`,
    { csrf },
  );
}
