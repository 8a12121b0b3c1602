import * as z from "zod/mini";
import { kicksQueries, PERIODS } from "../../../shared/storage/leaderboardStore";
import { takeSnapshot } from "../../../shared/leaderboard/takeSnapshot";
import { toCsv } from "../../../shared/leaderboard/toCsv";
import { intBetween } from "../../../shared/kick/schemas/common";
import { defineAction } from "../Action";
import { TriggerError } from "../../../shared/http/TriggerError";
import { liveStream } from "../../../shared/announce/liveStream";

const Period = z.optional(z.enum(PERIODS));
const Top = z.optional(intBetween(1, 100));
const Time = z
  .string()
  .check(z.refine((t) => !Number.isNaN(Date.parse(t)), "must be a date and time, e.g. 2026-11-25T20:00:00Z"));
const iso = (ms: number) => new Date(ms).toISOString();
const startOfWeek = (now: number) => {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
};

export const kicksSnapshot = defineAction({
  name: "kicksSnapshot",
  summary: "Take a KICKs leaderboard snapshot",
  method: "POST",
  path: "/v1/kicks/snapshot",
  capability: "kicks",
  mutating: true,
  allowGet: true,
  input: z.object({}),
  async run(ctx) {
    const result = await takeSnapshot(ctx.env.DB, ctx.kick, ctx.account.id, ctx.now);
    return { taken_at: iso(result.taken_at), changed: result.changed, unchanged: result.unchanged };
  },
  text: (d) =>
    d.changed.length ? `Snapshot taken (changed: ${d.changed.join(", ")}).` : "Snapshot taken (no change).",
});

export const kicksLeaderboard = defineAction({
  name: "kicksLeaderboard",
  summary: "Show the latest KICKs leaderboard",
  method: "GET",
  path: "/v1/kicks/leaderboard",
  capability: "kicks",
  mutating: false,
  input: z.object({ period: Period, top: Top }),
  async run(ctx) {
    const period = ctx.input.period ?? "lifetime";
    let snap = await kicksQueries.latest(ctx.env.DB, ctx.account.id, period, ctx.input.top);
    if (!snap) {
      await takeSnapshot(ctx.env.DB, ctx.kick, ctx.account.id, ctx.now);
      snap = await kicksQueries.latest(ctx.env.DB, ctx.account.id, period, ctx.input.top);
    }
    return { period, as_of: iso(snap!.last_seen_at), entries: snap!.entries };
  },
  text: (d) => d.entries.map((e) => `${e.rank}. ${e.username} ${e.amount}`).join(" | ") || "No KICKs yet.",
  csv: (d) => toCsv(d.entries as unknown as Record<string, unknown>[], ["rank", "user_id", "username", "amount"]),
});

export const kicksTop = defineAction({
  name: "kicksTop",
  summary: "Show the KICKs leaderboard as it stood at a time",
  method: "GET",
  path: "/v1/kicks/top",
  capability: "kicks",
  mutating: false,
  input: z.object({ at: Time, period: Period, top: Top }),
  async run(ctx) {
    const period = ctx.input.period ?? "lifetime";
    const snap = await kicksQueries.topAt(ctx.env.DB, ctx.account.id, period, Date.parse(ctx.input.at), ctx.input.top);
    if (!snap) throw new TriggerError(404, "no_snapshot", `No snapshot was taken at or before ${ctx.input.at}.`);
    return { period, as_of: iso(snap.taken_at), entries: snap.entries };
  },
  csv: (d) => toCsv(d.entries as unknown as Record<string, unknown>[], ["rank", "user_id", "username", "amount"]),
});

export const kicksHistory = defineAction({
  name: "kicksHistory",
  summary: "Show one gifter's KICKs rank and amount over time",
  method: "GET",
  path: "/v1/kicks/history",
  capability: "kicks",
  mutating: false,
  input: z
    .object({
      user: z.optional(z.string().check(z.minLength(1))),
      user_id: z.optional(z.int().check(z.positive())),
      period: Period,
    })
    .check(
      z.refine((v) => (v.user === undefined) !== (v.user_id === undefined), {
        message: "give user (a username) or user_id, exactly one",
        path: ["user"],
      }),
    ),
  async run(ctx) {
    const rows = await kicksQueries.history(ctx.env.DB, ctx.account.id, ctx.input.period ?? "lifetime", {
      id: ctx.input.user_id,
      name: ctx.input.user?.replace(/^@/, ""),
    });
    return rows.map((r) => ({
      at: iso(r.taken_at),
      until: iso(r.until),
      rank: r.rank,
      amount: r.amount,
      username: r.username,
    }));
  },
  csv: (d) => toCsv(d, ["at", "until", "rank", "amount", "username"]),
});

export const kicksGain = defineAction({
  name: "kicksGain",
  summary: "Show who gifted the most KICKs since a time (this stream, this week)",
  method: "GET",
  path: "/v1/kicks/gain",
  capability: "kicks",
  mutating: false,
  input: z.object({ since: z.union([z.enum(["stream", "week"]), Time]), until: z.optional(Time), top: Top }),
  async run(ctx) {
    let since: number;
    if (ctx.input.since === "stream") {
      const live = await liveStream(ctx);
      if (!live)
        throw new TriggerError(
          409,
          "not_live",
          "The channel is not live, so there is no current stream to count from.",
        );
      since = Date.parse(live.started_at);
    } else since = ctx.input.since === "week" ? startOfWeek(ctx.now) : Date.parse(ctx.input.since);
    const until = ctx.input.until ? Date.parse(ctx.input.until) : ctx.now;
    return {
      since: iso(since),
      until: iso(until),
      gifters: await kicksQueries.gain(ctx.env.DB, ctx.account.id, since, until, ctx.input.top),
    };
  },
  text: (d) => d.gifters.map((g, i) => `${i + 1}. ${g.username} +${g.gained}`).join(" | ") || "No KICKs gifted yet.",
  csv: (d) => toCsv(d.gifters, ["user_id", "username", "gained"]),
});
