import { html, SafeHtml } from "../http/html";
import { PAGE_SCRIPT } from "./pageScript";

const STYLE = new SafeHtml(`
:root{color-scheme:light dark;--fg:#111;--bg:#fafafa;--card:#fff;--muted:#666;--accent:#1a7f00;--on-accent:#fff;--line:#ddd;--bad:#b00020}
@media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#0e1011;--card:#181b1d;--muted:#9a9a9a;--accent:#53fc18;--on-accent:#000;--line:#2c3033;--bad:#ff6b81}}
*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,sans-serif;color:var(--fg);background:var(--bg);margin:0;padding:1rem}
main{max-width:44rem;margin:0 auto}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:1rem;margin:1rem 0;overflow-x:auto}
label{display:block;margin:.4rem 0}input[type=text],input[type=password],input[type=url],input[type=number],textarea,select{width:100%;padding:.55rem;font:inherit;border:1px solid var(--line);border-radius:.4rem;background:var(--bg);color:var(--fg)}
button,.btn{font:inherit;padding:.5rem 1rem;border-radius:.4rem;border:1px solid var(--line);background:var(--accent);color:var(--on-accent);cursor:pointer}
.btn{display:inline-block;text-decoration:none}fieldset{border:0;padding:0;margin:0}
button.secondary{background:transparent;color:var(--fg)}.danger{background:transparent;color:var(--bad);border-color:var(--bad)}
table{width:100%;border-collapse:collapse;font-size:.95rem}td,th{text-align:left;padding:.35rem;border-bottom:1px solid var(--line);vertical-align:top}
code,pre{font-family:ui-monospace,monospace;font-size:.88rem;overflow-wrap:anywhere}pre{white-space:pre-wrap;word-break:break-all;background:var(--bg);padding:.6rem;border-radius:.4rem;border:1px solid var(--line)}
@media (max-width:40rem){table.stack thead{position:absolute;left:-9999px}table.stack tr{display:block;padding:.5rem 0;border-bottom:1px solid var(--line)}table.stack td{display:block;border:0;padding:.1rem 0}table.stack td[data-label]::before{content:attr(data-label) ": ";color:var(--muted)}}
.muted{color:var(--muted)}.bad{color:var(--bad)}.ok{color:var(--accent)}.row{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}
.key{font-size:1rem;width:100%}form.inline{display:inline}
nav.sub{gap:.25rem 1rem;margin:.5rem 0}nav.sub a[aria-current]{font-weight:700;color:var(--fg)}a{color:inherit}a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible,select:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
form:has([value=custom]:not(:checked)) .custom{display:none}.skip:not(:focus){position:absolute;left:-99rem}
`);

/**
 * The hidden field every POST form of ours carries: the session's CSRF token (or, on the
 * sign-in form, the pre-session one).
 */
export const csrfField = (csrf: string) => html`<input type="hidden" name="csrf" value="${csrf}">`;

/**
 * Every page: the same frame, the same small stylesheet, no external requests. `csrf` is the
 * signed-in browser's token: given, the page shows the navigation and its Log out form, after a
 * link that skips them (shown when focused), so the keyboard reaches the page itself in one Tab.
 */
export function layout(
  title: string,
  body: SafeHtml,
  { csrf, script = "" }: { csrf?: string; script?: string } = {},
): SafeHtml {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title} · kick-edge</title><style>${STYLE}</style></head>
<body><main>
${csrf === undefined ? "" : html`<a class="skip" href="#content">Skip to content</a>`}<header class="row" style="justify-content:space-between"><strong>kick-edge</strong>${csrf === undefined ? "" : html`<nav class="row"><a href="/">Accounts</a><a href="/status">Status</a><form class="inline" method="post" action="/logout">${csrfField(csrf)}<button class="secondary" id="logout">Log out</button></form></nav>`}</header>
<div id="content">${body}</div>
</main><script>${new SafeHtml(PAGE_SCRIPT + script)}</script></body></html>`;
}

/** An account's pages, the connect page's and the control room's alike; a bot has only its own. */
export const ACCOUNT_PAGES = [
  ["", "Keys"],
  ["/setup/announce", "Go-live announcement"],
  ["/setup/replies", "Event replies"],
  ["/setup/timers", "Timers"],
  ["/setup/relays", "Relays"],
  ["/setup/alerts", "Alerts"],
  ["/activity", "Activity"],
] as const;

/** The links between an account's pages, the one shown marked for screen readers too. */
export const accountNav = (accountId: number, current: string) =>
  html`<nav class="row sub" aria-label="This channel">${ACCOUNT_PAGES.map(
    ([path, label]) =>
      html`<a href="/accounts/${accountId}${path}"${path === current ? html` aria-current="page"` : ""}>${label}</a>`,
  )}</nav>`;

/**
 * A form field's problem, under it, tied to it for screen readers (`aria-describedby`); the
 * field itself gets `invalid(name)`. Ids are the field's name, so a page has one form per field
 * name that can fail, unless each form gives its own `prefix` (ids must be unique on a page).
 */
export const fieldError = (name: string, error: string | undefined, prefix = "") =>
  error ? html`<p class="bad" id="${prefix}${name}-error">${error}</p>` : "";
export const invalid = (name: string, error: string | undefined, prefix = "") =>
  error ? html` aria-invalid="true" aria-describedby="${prefix}${name}-error"` : "";

/**
 * Why an account needs a re-connect, in a streamer's words, from the reason the refresh stored
 * (Kick's own words, such as `invalid_grant`, never reach a page).
 */
export const reconnectWords = (reason: string | null) =>
  /lost/.test(reason ?? "")
    ? "a token refresh was cut off midway, and Kick no longer accepts the old sign-in"
    : "Kick no longer accepts kick-edge's sign-in for it (it expired, or access was removed on Kick)";

/**
 * A time on our pages, in one format: minute precision in UTC as the server renders it, which
 * the page script turns into the viewer's zone (UTC stays on hover), or "never".
 */
export function when(ms: number | null) {
  if (ms === null) return "never";
  const iso = new Date(ms).toISOString();
  const utc = `${iso.replace("T", " ").slice(0, 16)} UTC`;
  return html`<time datetime="${iso}" title="${utc}">${utc}</time>`;
}
