import * as z from "zod/mini";
import { kicksQueries, PERIODS } from "../../../shared/storage/leaderboardStore";
import { intBetween } from "../../../shared/kick/schemas/common";
import { defineAction } from "../Action";

// The overlay pages themselves are static assets (public/overlay/): OBS loads them with the
// overlay key in the URL, and their scripts read these two endpoints with the same key.

const LABEL = { week: "This week", month: "This month", lifetime: "All time" } as const;

export const overlayData = defineAction({
  name: "overlayData",
  summary: "Give the leaderboard overlay its data",
  method: "GET",
  path: "/overlay/leaderboard.json",
  capability: "overlay",
  mutating: false,
  input: z.object({
    period: z.optional(z.enum(PERIODS)),
    count: z.optional(intBetween(1, 25)),
    theme: z.optional(z.enum(["dark", "light"])),
    refresh: z.optional(intBetween(2, 600)),
  }),
  async run(ctx) {
    const period = ctx.input.period ?? "week";
    const snap = await kicksQueries.latest(ctx.env.DB, ctx.account.id, period, ctx.input.count ?? 5);
    return { period, title: LABEL[period], entries: snap?.entries ?? [] };
  },
});

export const historyData = defineAction({
  name: "historyData",
  summary: "Give the history chart the top gifters' lifetime KICKs over time",
  method: "GET",
  path: "/overlay/history.json",
  capability: "overlay",
  mutating: false,
  input: z.object({ count: z.optional(intBetween(1, 10)) }),
  async run(ctx) {
    const latest = await kicksQueries.latest(ctx.env.DB, ctx.account.id, "lifetime", ctx.input.count ?? 5);
    const series = [];
    for (const e of latest?.entries ?? []) {
      const rows = await kicksQueries.history(ctx.env.DB, ctx.account.id, "lifetime", { id: e.user_id });
      series.push({
        username: e.username,
        points: rows.flatMap((r) =>
          r.amount === null
            ? []
            : [
                { at: r.taken_at, amount: r.amount },
                { at: r.until, amount: r.amount },
              ],
        ),
      });
    }
    return series;
  },
});
