import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { accounts } from "../shared/accounts/accounts";
import type { KickClient, Leaderboard } from "../shared/kick/index";
import { kicksQueries } from "../shared/kicks/kicksQueries";
import { takeSnapshot, PERIODS } from "../shared/kicks/takeSnapshot";
import { thinSnapshots } from "../shared/kicks/thinSnapshots";
import { InvocationBudget } from "../shared/refresh/invocationBudget";
import { resetWorkerState } from "../test/helpers/resetWorkerState";

declare const __BENCH_HISTORY_DAYS__: number;
const E = env as unknown as Cloudflare.AutomationsEnv;
const STEP = 5 * 60_000;
const DAY = 86_400_000;
const NO_KICK = {} as KickClient;

/** A seeded random source, so every run writes the same year. */
function random(seed: number) {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

/** Rankings from running totals: week resets Mondays, month on the 1st (UTC). */
function board(totals: Record<(typeof PERIODS)[number], Map<number, number>>): Leaderboard {
  const rank = (m: Map<number, number>) =>
    [...m].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 100).map(([user_id, gifted_amount], i) => ({ rank: i + 1, user_id, username: `gifter${user_id}`, gifted_amount }));
  return { week: rank(totals.week), month: rank(totals.month), lifetime: rank(totals.lifetime) };
}

async function timed(fn: () => Promise<unknown>, n = 20) {
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - t) / n;
}

/**
 * A year of 5-minute snapshots (top 100, synthetic gifts), written through takeSnapshot; then
 * the D1 size, the heaviest query against a latest-snapshot query, and the D1 queries one
 * snapshot invocation makes for 10 accounts.
 */
it("KICKs history run", { timeout: 60 * 60_000 }, async () => {
  await resetWorkerState(E);
  const now = Date.UTC(2026, 10, 25);
  const start = now - __BENCH_HISTORY_DAYS__ * DAY;
  for (let id = 1; id <= 10; id++) await accounts.connect(E.DB, { id, username: `streamer${id}`, role: "broadcaster", scopes: ["kicks:read"], tokenExpiresAt: now, now });

  const next = random(2026);
  const totals = { week: new Map<number, number>(), month: new Map<number, number>(), lifetime: new Map<number, number>() };
  let steps = 0;
  let stored = 0;
  const started = performance.now();
  for (let t = start; t < now; t += STEP, steps++) {
    const d = new Date(t);
    if (d.getUTCDay() === 1 && d.getUTCHours() === 0 && d.getUTCMinutes() === 0) totals.week.clear();
    if (d.getUTCDate() === 1 && d.getUTCHours() === 0 && d.getUTCMinutes() === 0) totals.month.clear();
    // Gifts come in bursts while "live" (evenings UTC), rarely otherwise.
    const live = d.getUTCHours() >= 18 && d.getUTCHours() < 23;
    if (next() < (live ? 0.6 : 0.02)) {
      const user = 1 + Math.floor(next() ** 2 * 300);
      const amount = [1, 5, 10, 50, 100, 500][Math.floor(next() * 6)]!;
      for (const m of Object.values(totals)) m.set(user, (m.get(user) ?? 0) + amount);
    }
    const result = await takeSnapshot(E.DB, NO_KICK, 1, t, board(totals));
    stored += result.changed.length;
  }
  const writeMs = performance.now() - started;

  const size = (await E.DB.prepare("UPDATE kicks_snapshots SET digest = digest WHERE id = -1").run()).meta.size_after;
  const rows = await E.DB.prepare("SELECT (SELECT COUNT(*) FROM kicks_snapshots) AS snapshots, (SELECT COUNT(*) FROM kicks_entries) AS entries").first<{ snapshots: number; entries: number }>();
  const top = (await kicksQueries.latest(E.DB, 1, "lifetime", 1))!.entries[0]!;
  const latestMs = await timed(() => kicksQueries.latest(E.DB, 1, "lifetime", 10));
  const queries = {
    history_of_top_gifter_ms: await timed(() => kicksQueries.history(E.DB, 1, "lifetime", { id: top.user_id })),
    top_at_a_time_ms: await timed(() => kicksQueries.topAt(E.DB, 1, "lifetime", start + (now - start) / 2, 10)),
    gain_over_the_year_ms: await timed(() => kicksQueries.gain(E.DB, 1, start, now, 10)),
  };
  const heaviest = Object.entries(queries).sort((a, b) => b[1] - a[1])[0]!;

  // What retention (all for 7 days, hourly to 90, then daily) leaves of the year.
  while ((await thinSnapshots(E.DB, now, { keepAllDays: 7, keepHourlyDays: 90, batch: 2000 })) > 0);
  const sizeAfterRetention = (await E.DB.prepare("UPDATE kicks_snapshots SET digest = digest WHERE id = -1").run()).meta.size_after;

  // One snapshot invocation for 10 accounts, metered as the cron is.
  const budget = new InvocationBudget();
  const metered = budget.meter(E);
  for (let id = 1; id <= 10; id++) await takeSnapshot(metered.DB, NO_KICK, id, now, board(totals));

  const result = {
    days: __BENCH_HISTORY_DAYS__,
    snapshot_calls: steps,
    rankings_stored: stored,
    rows,
    d1_size_bytes: size,
    d1_size_after_retention_bytes: sizeAfterRetention,
    write_ms_per_snapshot: Number((writeMs / steps).toFixed(2)),
    latest_query_ms: Number(latestMs.toFixed(2)),
    heaviest_query: heaviest[0],
    heaviest_query_ms: Number(heaviest[1].toFixed(2)),
    heaviest_ratio_to_latest: Number((heaviest[1] / latestMs).toFixed(1)),
    queries_ms: Object.fromEntries(Object.entries(queries).map(([k, v]) => [k, Number(v.toFixed(2))])),
    d1_queries_for_10_accounts: budget.used.d1Queries,
  };
  console.log(`BENCH_RESULT ${JSON.stringify({ history: result })}`);
  expect(budget.used.d1Queries).toBeLessThanOrEqual(50);
});
