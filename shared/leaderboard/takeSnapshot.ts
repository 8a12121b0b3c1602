import type { KickClient, Leaderboard } from "../kick/index";
import { sha256Hex } from "../crypto";
import { newestDigests, PERIODS, storeSnapshot, type Period } from "../storage/leaderboardStore";

export interface SnapshotResult {
  account_id: number;
  taken_at: number;
  /** Periods stored as a new ranking, and periods seen unchanged (only last_seen_at moved). */
  changed: Period[];
  unchanged: Period[];
  /** D1 rows this snapshot wrote (the Free plan allows 100,000 a day). */
  rows_written: number;
}

/**
 * Takes one KICKs snapshot of an account: Kick's week, month and lifetime top 100. Stored in
 * one D1 batch (one transaction: a failure leaves no partial rows), and only what changed: a
 * ranking equal to the last one moves its last_seen_at; a changed one gets a snapshot row plus
 * one change row per gifter whose rank, amount or name moved (or who left the top 100), and
 * kicks_current follows. One Kick call, two D1 round trips, at most four statements. The
 * cron, the trigger endpoint and the `kicks.gifted` webhook all come through here.
 */
export async function takeSnapshot(
  db: D1Database,
  kick: KickClient<"getKicksLeaderboard">,
  accountId: number,
  now: number,
  board?: Leaderboard,
): Promise<SnapshotResult> {
  const leaderboard = board ?? (await kick.getKicksLeaderboard({ top: 100 }));
  const latest = await newestDigests(db, accountId);
  const changed: { period: Period; digest: string }[] = [];
  const unchanged: { period: Period; id: number; digest: string }[] = [];
  for (const period of PERIODS) {
    const digest = await sha256Hex(
      JSON.stringify(leaderboard[period].map((e) => [e.rank, e.user_id, e.username, e.gifted_amount])),
    );
    const previous = latest.find((l) => l.period === period);
    if (previous?.digest === digest) unchanged.push({ period, id: previous.id, digest });
    else changed.push({ period, digest });
  }

  const entries = changed.flatMap(({ period }) =>
    leaderboard[period].map((e) => ({
      period,
      rank: e.rank,
      user_id: e.user_id,
      username: e.username,
      amount: e.gifted_amount,
    })),
  );
  const rowsWritten = await storeSnapshot(db, { accountId, takenAt: now, unchanged, changed, entries });
  return {
    account_id: accountId,
    taken_at: now,
    changed: changed.map((c) => c.period),
    unchanged: unchanged.map((u) => u.period),
    rows_written: rowsWritten,
  };
}
