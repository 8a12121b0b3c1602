import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { accounts } from "../shared/storage/accountsStore";
import type { KickClient } from "../shared/kick/index";
import { kicksQueries, thinSnapshots } from "../shared/storage/leaderboardStore";
import { takeSnapshot } from "../shared/leaderboard/takeSnapshot";
import { InvocationBudget } from "../shared/refresh/invocationBudget";
import { resetWorkerState } from "../test/helpers/resetWorkerState";
import { SyntheticGifts } from "../test/helpers/syntheticGifts";

declare const __BENCH_HISTORY_DAYS__: number;
const E = env as unknown as Cloudflare.AutomationsEnv;
const STEP = 5 * 60_000;
const DAY = 86_400_000;
const NO_KICK = {} as KickClient;

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
  for (let id = 1; id <= 10; id++)
    await accounts.connect(E.DB, {
      id,
      username: `streamer${id}`,
      role: "broadcaster",
      scopes: ["kicks:read"],
      tokenExpiresAt: now,
      now,
    });

  const gifts = new SyntheticGifts(2026);
  let steps = 0;
  let stored = 0;
  let rowsWritten = 0;
  const started = performance.now();
  for (let t = start; t < now; t += STEP, steps++) {
    const result = await takeSnapshot(E.DB, NO_KICK, 1, t, gifts.at(t));
    stored += result.changed.length;
    rowsWritten += result.rows_written;
  }
  const writeMs = performance.now() - started;

  const size = (await E.DB.prepare("UPDATE kicks_snapshots SET digest = digest WHERE id = -1").run()).meta.size_after;
  const rows = await E.DB.prepare(
    "SELECT (SELECT COUNT(*) FROM kicks_snapshots) AS snapshots, (SELECT COUNT(*) FROM kicks_changes) AS changes",
  ).first<{ snapshots: number; changes: number }>();
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
  const sizeAfterRetention = (await E.DB.prepare("UPDATE kicks_snapshots SET digest = digest WHERE id = -1").run()).meta
    .size_after;

  // One snapshot invocation for 10 accounts, metered as the cron is.
  const budget = new InvocationBudget();
  const metered = budget.meter(E);
  for (let id = 1; id <= 10; id++) await takeSnapshot(metered.DB, NO_KICK, id, now, gifts.board());

  const result = {
    days: __BENCH_HISTORY_DAYS__,
    snapshot_calls: steps,
    rankings_stored: stored,
    d1_rows_written_per_day: Math.round(rowsWritten / __BENCH_HISTORY_DAYS__),
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
