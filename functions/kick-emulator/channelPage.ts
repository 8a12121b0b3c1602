import type { Ctx } from "./context";
import { escapeHtml } from "./http";
import { viewersOf } from "./channelActions";
import type { EmulatorChannel } from "./state";

interface Line {
  id: string;
  at: string;
  kind: "chat" | "event";
  who: string;
  text: string;
}

// A channel as its streamer watches it in the emulator: the chat scrolling (what our Workers
// post, and what happened), the live state, and buttons that make Kick's events happen.

/**
 * The chat and what happened, in order: each event after the chat message that was the
 * channel's last when it happened (chat times have only whole seconds).
 */
export function channelFeed(ctx: Ctx, channel: EmulatorChannel) {
  const { state } = ctx;
  const id = channel.broadcaster_user_id;
  const chat = state.chat.filter((m) => m.broadcaster_user_id === id);
  const anchored = new Map<string | null, Line[]>();
  for (const a of state.activity ?? []) {
    if (a.broadcaster_user_id !== id) continue;
    // An event whose message has scrolled out of the chat kept goes first.
    const after = chat.some((m) => m.message_id === a.after) ? a.after : null;
    anchored.set(after, [
      ...(anchored.get(after) ?? []),
      { id: a.id, at: a.at, kind: "event", who: "", text: a.done ? a.text : `${a.text}: sending…` },
    ]);
  }
  const lines = [...(anchored.get(null) ?? [])];
  for (const m of chat)
    lines.push(
      {
        id: m.message_id,
        at: m.created_at,
        kind: "chat",
        who: state.users.find((u) => u.user_id === m.sender_user_id)?.name ?? String(m.sender_user_id),
        text: m.deleted ? "(message deleted)" : m.content,
      },
      ...(anchored.get(m.message_id) ?? []),
    );
  const url = state.settings.webhook_url;
  const subscribed = [...new Set(state.subscriptions.filter((s) => s.broadcaster_user_id === id).map((s) => s.event))];
  return {
    channel: {
      slug: channel.slug,
      is_live: channel.is_live,
      title: channel.stream_title || "(no title)",
      category: state.categories.find((c) => c.id === channel.category_id)?.name ?? "(no category)",
    },
    delivery: !url
      ? "Events are sent nowhere: no webhook URL is set (EMULATOR_WEBHOOK_URL)."
      : subscribed.length
        ? `Events go to ${url} for: ${subscribed.join(", ")}.`
        : `No app subscribes to this channel's events yet, so none reach ${url}. Connect the channel and set up a rule.`,
    feed: lines.slice(-100),
  };
}

/**
 * Polls the feed each second and sends the forms without leaving the page; without it, the
 * forms post and come back. (`form.action` would be the button named "action": the attribute is read.)
 */
const SCRIPT = `const $=(i)=>document.getElementById(i),log=$("chat"),hm=(t)=>new Date(t).toLocaleTimeString();for(const t of log.querySelectorAll("time"))t.textContent=hm(t.dateTime);log.scrollTop=log.scrollHeight;async function poll(){try{const d=await(await fetch(document.body.dataset.feed)).json(),c=d.channel,g=$("golive"),end=log.scrollHeight-log.scrollTop-log.clientHeight<40;$("live").textContent=c.is_live?"Live":"Offline";$("live").className=c.is_live?"on":"";$("title").textContent=c.title;$("cat").textContent=c.category;$("hook").textContent=d.delivery;g.value=c.is_live?"offline":"live";g.textContent=c.is_live?"Go offline":"Go live";for(const e of d.feed){let p=$("m"+e.id);if(!p){p=document.createElement("p");p.id="m"+e.id;log.append(p)}if(p.dataset.t!==e.text){const t=document.createElement("time"),b=document.createElement("b");t.dateTime=e.at;t.textContent=hm(e.at);b.textContent=e.who;p.dataset.t=e.text;p.className=e.kind;p.replaceChildren(t,...(e.who?[b," "]:[]),e.text)}}if(end)log.scrollTop=log.scrollHeight}catch{}}document.addEventListener("submit",async(v)=>{v.preventDefault();const r=await fetch(v.target.getAttribute("action"),{method:"POST",body:new URLSearchParams(new FormData(v.target,v.submitter)),redirect:"manual"}).catch(()=>null);$("said").textContent=!r?"The emulator did not answer.":r.ok||r.type==="opaqueredirect"?"":(await r.json().catch(()=>({}))).error?.message??"Refused (HTTP "+r.status+")";poll()});setInterval(poll,1000);`;

let scriptHash: Promise<string> | undefined;
const hashOf = () =>
  (scriptHash ??= crypto.subtle
    .digest("SHA-256", new TextEncoder().encode(SCRIPT))
    .then((d) => btoa(String.fromCharCode(...new Uint8Array(d)))));

const CSS = `*{box-sizing:border-box}body{font:16px/1.45 system-ui,sans-serif;background:#0b0e0f;color:#eee;max-width:72rem;margin:0 auto;padding:1rem}a{color:#53fc18}h1{margin:.3rem 0;font-size:1.6rem}h2{font-size:1.1rem;margin:0 0 .5rem}main{display:grid;gap:1.5rem}@media(min-width:50rem){main{grid-template-columns:3fr 2fr}}#chat{height:55vh;min-height:12rem;overflow-y:auto;background:#16191b;border:1px solid #444;border-radius:.4rem;padding:.5rem}#chat p{margin:0 0 .35rem;overflow-wrap:anywhere}#chat:empty::before{content:"Nothing in the chat yet.";color:#aaa}time{color:#aaa;font-size:.8rem;margin-right:.5rem}.event{color:#53fc18}.on{background:#53fc18;color:#000;padding:0 .4rem;border-radius:.3rem}form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:0 0 1rem}label{display:flex;flex-direction:column;flex:1 1 8rem;font-size:.85rem;color:#ccc}input,select{font:inherit;padding:.4rem;background:#16191b;color:#eee;border:1px solid #777;border-radius:.3rem}button{font:inherit;padding:.45rem 1rem;border:0;border-radius:.4rem;background:#53fc18;color:#000;cursor:pointer}:focus-visible{outline:3px solid #fff;outline-offset:2px}.note{color:#bbb;font-size:.9rem}`;

const t = (text: string) => escapeHtml(text);

/** GET /channel/:slug, the emulator's own page (not Kick's: outside the request log and faults). */
export async function channelPage(ctx: Ctx): Promise<Response> {
  const slug = ctx.url.pathname.slice("/channel/".length);
  const channel = ctx.state.channels.find((c) => c.slug === slug);
  if (!channel)
    return new Response(`No channel "${slug}" in the emulator. The channels are listed at /.`, {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  const id = channel.broadcaster_user_id;
  const { channel: c, delivery, feed } = channelFeed(ctx, channel);
  const act = `<form method="post" action="/_emulator/channels/${id}/actions">`;
  const rewards = ctx.state.rewards.filter((r) => r.broadcaster_user_id === id && !r.is_deleted && r.is_enabled);
  const most = Math.max(1, viewersOf(ctx, id).length - 1);
  const lines = feed
    .map(
      (e) =>
        `<p id="m${t(e.id)}" class="${e.kind}" data-t="${t(e.text)}"><time datetime="${e.at}">${e.at.slice(11, 19)}</time>${e.who ? `<b>${t(e.who)}</b> ` : ""}${t(e.text)}</p>`,
    )
    .join("");
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${t(slug)} · Kick emulator</title><link rel="icon" href="data:,"><style>${CSS}</style></head>
<body data-feed="/_emulator/channels/${id}/feed"><header><a href="/">Kick emulator</a><h1>${t(slug)}</h1>
<p><strong id="live"${c.is_live ? ' class="on"' : ""}>${c.is_live ? "Live" : "Offline"}</strong> <span id="title">${t(c.title)}</span> · <span id="cat">${t(c.category)}</span></p></header>
<main><section aria-labelledby="h-chat"><h2 id="h-chat">Chat</h2><div id="chat" role="log" tabindex="0" aria-labelledby="h-chat">${lines}</div>
<p id="hook" class="note">${t(delivery)}</p><noscript><p class="note">The chat updates when you press a button, or <a href="">reload</a>.</p></noscript></section>
<section aria-labelledby="h-do"><h2 id="h-do">Make it happen</h2>
${act}<button id="golive" name="action" value="${c.is_live ? "offline" : "live"}">${c.is_live ? "Go offline" : "Go live"}</button></form>
${act}<button name="action" value="follow">Follow</button><button name="action" value="subscribe">Subscribe</button></form>
${act}<label>Subs to gift (1–${most})<input type="number" name="count" min="1" max="${most}" value="${Math.min(3, most)}" required></label><button name="action" value="gifts">Gift subs</button></form>
${act}<label>KICKs<input type="number" name="amount" min="1" value="100" required></label><button name="action" value="kicks">Gift KICKs</button></form>
${
  rewards.length
    ? `${act}<label>Reward<select name="reward_id">${rewards.map((r) => `<option value="${t(r.id)}">${t(r.title)} (${r.cost})</option>`).join("")}</select></label><label>Message (optional)<input name="user_input" maxlength="200"></label><button name="action" value="redeem">Redeem</button></form>`
    : `<p class="note">No reward to redeem on this channel yet: create one through the rewards API.</p>`
}
<p id="said" role="status"></p><p class="note">A viewer picked at random does each of these; the chat says who, and whether the app got the event.</p></section></main>
<script>${SCRIPT}</script></body></html>`;
  return new Response(html, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      // Like our Workers' pages: nothing remote, this one script by its hash, and the feed it polls.
      "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${await hashOf()}'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    },
  });
}
