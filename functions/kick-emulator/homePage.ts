import type { Ctx } from "./context";
import { escapeHtml } from "./http";
import { DEMO } from "./seed";

/** What a person sees opening the emulator in a browser: what it is and where to go. */
export function homePage(ctx: Ctx): Response {
  const origin = ctx.url.origin;
  // The demo broadcaster first: it is the channel `npm start` connects.
  const channels = [...ctx.state.channels]
    .sort(
      (a, b) => Number(b.broadcaster_user_id === DEMO.broadcaster) - Number(a.broadcaster_user_id === DEMO.broadcaster),
    )
    .map(
      (c) => `<li><a href="/channel/${escapeHtml(c.slug)}">${escapeHtml(c.slug)}</a>${c.is_live ? " (live)" : ""}</li>`,
    )
    .join("");
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Kick emulator · kick-edge</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}code{background:#eee;padding:0 .2rem}</style></head>
<body><h1>Kick emulator</h1>
<p>A local stand-in for <code>id.kick.com</code> and <code>api.kick.com</code>, for development and tests. Nothing here touches the real Kick.</p>
<ul>
<li>OAuth: <code>${origin}/oauth/authorize</code>, <code>/oauth/token</code>, <code>/oauth/revoke</code>, <code>/oauth/token/introspect</code>. Demo app: client id <code>${DEMO.clientId}</code>, secret <code>${DEMO.clientSecret}</code>.</li>
<li>REST: <code>${origin}/public/v1/…</code> and <code>/public/v2/…</code>, as Kick documents them.</li>
<li>Control API: <a href="/_emulator">/_emulator</a> (state, clock, faults, signed webhooks).</li>
<li>Demo channel: <code>demo_streamer</code> (${DEMO.broadcaster}); bot account <code>demo_bot</code> (${DEMO.bot}).</li>
</ul>
<h2>Channels</h2><p>Each page shows the chat as it scrolls and the stream's state, with buttons to go live, follow, subscribe, gift and redeem, so you watch your automations answer.</p><ul>${channels}</ul></body></html>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}
