import { thinSnapshots } from "../../shared/storage/leaderboardStore";
import { housekeepingSettings, type RefreshEnv } from "./settings";

/** The cron expression of the hourly housekeeping run (wrangler.toml). */
export const HOUSEKEEPING_CRON = "17 * * * *";

/**
 * D1 upkeep that needs no Kick call: KICKs history thinning, in bounded batches. Hourly, not
 * each minute: finding what to thin reads every snapshot older than a week.
 */
export async function runHousekeeping(env: RefreshEnv, now = Date.now()) {
  const retention = { ...housekeepingSettings(env).retention, batch: 500 };
  let thinned = 0;
  // Three batches at most: each is two D1 round trips (six queries), far inside the 50 per invocation.
  for (let round = 0; round < 3; round++) {
    const n = await thinSnapshots(env.DB, now, retention);
    thinned += n;
    if (n < retention.batch) break;
  }
  const summary = { event: "housekeeping", kicks_snapshots_thinned: thinned };
  console.log(JSON.stringify(summary));
  return summary;
}
