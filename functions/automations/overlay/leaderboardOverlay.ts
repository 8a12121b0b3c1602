import * as z from "zod/mini";
import { html, SafeHtml } from "../../../shared/http/html";
import { kicksQueries } from "../../../shared/kicks/kicksQueries";
import { PERIODS } from "../../../shared/kicks/takeSnapshot";
import { intBetween } from "../../../shared/kick/schemas/common";
import { defineAction } from "../Action";
import { overlayPage } from "./overlayPage";

const Options = z.object({
  period: z.optional(z.enum(PERIODS)),
  count: z.optional(intBetween(1, 25)),
  theme: z.optional(z.enum(["dark", "light"])),
  refresh: z.optional(intBetween(2, 600)),
});

const LABEL = { week: "This week", month: "This month", lifetime: "All time" } as const;

/** The data the overlay shows (also its own refresh endpoint). */
export const overlayData = defineAction({
  name: "overlayData",
  summary: "Show the leaderboard overlay's data",
  method: "GET",
  path: "/overlay/leaderboard.json",
  capability: "overlay",
  mutating: false,
  input: Options,
  async run(ctx) {
    const period = ctx.input.period ?? "week";
    const snap = await kicksQueries.latest(ctx.env.DB, ctx.account.id, period, ctx.input.count ?? 5);
    return { period, title: LABEL[period], entries: snap?.entries ?? [] };
  },
});

// Re-reads its data every few seconds from its own URL's options; no library, no other host.
const SCRIPT = `(()=>{const q=new URLSearchParams(location.search);const s=Number(q.get("refresh")||15)*1000;const list=document.getElementById("list");
const tick=async()=>{try{const r=await fetch("/overlay/leaderboard.json"+location.search,{cache:"no-store"});const j=await r.json();if(!j.ok)return;
list.replaceChildren(...j.data.entries.map(e=>{const li=document.createElement("li");const n=document.createElement("span");n.className="name";n.textContent=e.username;const a=document.createElement("span");a.className="amount";a.textContent=e.amount.toLocaleString();li.append(n,a);return li}));
document.body.dataset.updated=String(Date.now())}catch(e){}};setInterval(tick,s)})();`;

/** GET /overlay/leaderboard: an OBS browser source (transparent), opened with a read-only overlay key. */
export const leaderboardOverlay = defineAction({
  name: "leaderboardOverlay",
  summary: "Show the KICKs leaderboard overlay (OBS browser source)",
  method: "GET",
  path: "/overlay/leaderboard",
  capability: "overlay",
  mutating: false,
  input: Options,
  run: (ctx) => overlayData.run(ctx),
  page: async (data: { title: string; entries: { username: string; amount: number }[] }, request) => {
    const theme = new URL(request.url).searchParams.get("theme") === "light" ? { fg: "#111", shadow: "#fff" } : { fg: "#fff", shadow: "#000" };
    const css = new SafeHtml(`html,body{background:transparent;margin:0;font:700 28px/1.3 system-ui,sans-serif;color:${theme.fg};text-shadow:0 2px 4px ${theme.shadow}}
h1{font-size:22px;margin:0 0 6px;color:#53fc18}ol{margin:0;padding-left:1.4em}li{display:flex;justify-content:space-between;gap:1em;min-width:14em}.amount{font-variant-numeric:tabular-nums}`);
    return overlayPage(
      html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>KICKs leaderboard</title><style>${css}</style></head>
<body><h1>${data.title} · KICKs</h1><ol id="list">${data.entries.map((e) => html`<li><span class="name">${e.username}</span><span class="amount">${e.amount.toLocaleString("en-US")}</span></li>`)}</ol>
<script>${new SafeHtml(SCRIPT)}</script></body></html>`,
      SCRIPT,
    );
  },
});
