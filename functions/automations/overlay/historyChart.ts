import * as z from "zod/mini";
import { html, SafeHtml } from "../../../shared/http/html";
import { kicksQueries } from "../../../shared/kicks/kicksQueries";
import { intBetween } from "../../../shared/kick/schemas/common";
import { defineAction } from "../Action";
import { overlayPage } from "./overlayPage";

const COLORS = ["#53fc18", "#ff6b81", "#4dabf7", "#ffd43b", "#b197fc", "#63e6be", "#ffa94d", "#f783ac", "#74c0fc", "#e599f7"];
const W = 800;
const H = 360;
const PAD = 48;

interface Series {
  username: string;
  points: { at: number; amount: number }[];
}

/** Lifetime KICKs of the current top gifters over time, as an SVG drawn here (no library, no CDN). */
export function chartSvg(series: Series[]): SafeHtml {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return html`<p>No snapshots yet.</p>`;
  const [t0, t1] = [Math.min(...all.map((p) => p.at)), Math.max(...all.map((p) => p.at))];
  const top = Math.max(...all.map((p) => p.amount), 1);
  const x = (t: number) => PAD + ((t - t0) / Math.max(1, t1 - t0)) * (W - 2 * PAD);
  const y = (a: number) => H - PAD - (a / top) * (H - 2 * PAD);
  const lines = series.map((s, i) => {
    const pts = s.points.map((p) => `${x(p.at).toFixed(1)},${y(p.amount).toFixed(1)}`).join(" ");
    return html`<polyline fill="none" stroke="${COLORS[i % COLORS.length]!}" stroke-width="3" points="${pts}"><title>${s.username}</title></polyline>`;
  });
  const legend = series.map((s, i) => html`<text x="${W - PAD + 8}" y="${PAD + i * 20}" fill="${COLORS[i % COLORS.length]!}" font-size="14">${s.username}</text>`);
  const day = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W + 160} ${H}" role="img" aria-label="KICKs gifted over time">
<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#888"/><line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${H - PAD}" stroke="#888"/>
<text x="${PAD}" y="${PAD - 10}" fill="#888" font-size="12">${top.toLocaleString("en-US")} KICKs</text>
<text x="${PAD}" y="${H - PAD + 18}" fill="#888" font-size="12">${day(t0)}</text><text x="${W - PAD}" y="${H - PAD + 18}" fill="#888" font-size="12" text-anchor="end">${day(t1)}</text>
${lines}${legend}</svg>`;
}

/** GET /overlay/history: a chart of the top gifters' lifetime KICKs over time. */
export const historyChart = defineAction({
  name: "historyChart",
  summary: "Chart the top KICKs gifters over time",
  method: "GET",
  path: "/overlay/history",
  capability: "overlay",
  mutating: false,
  input: z.object({ count: z.optional(intBetween(1, 10)) }),
  async run(ctx) {
    const latest = await kicksQueries.latest(ctx.env.DB, ctx.account.id, "lifetime", ctx.input.count ?? 5);
    const series: Series[] = [];
    for (const e of latest?.entries ?? []) {
      const rows = await kicksQueries.history(ctx.env.DB, ctx.account.id, "lifetime", { id: e.user_id });
      series.push({ username: e.username, points: rows.flatMap((r) => [{ at: r.taken_at, amount: r.amount }, { at: r.last_seen_at, amount: r.amount }]) });
    }
    return series;
  },
  page: (series: Series[]) =>
    overlayPage(
      html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>KICKs over time</title>
<style>${new SafeHtml("body{margin:0;padding:16px;background:#0e1011;color:#eee;font:16px system-ui,sans-serif}svg{width:100%;height:auto}")}</style></head>
<body><h1>Top gifters over time</h1>${chartSvg(series)}</body></html>`,
    ),
});
