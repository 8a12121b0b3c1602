import type { KickClient, Leaderboard } from "../kick/index";
import { sha256Hex } from "../crypto/sha256Hex";

export const PERIODS = ["week", "month", "lifetime"] as const;
export type Period = (typeof PERIODS)[number];

export interface SnapshotResult {
  account_id: number;
  taken_at: number;
  /** Periods stored as a new ranking, and periods seen unchanged (only last_seen_at moved). */
  changed: Period[];
  unchanged: Period[];
}

/**
 * Takes one KICKs snapshot of an account: Kick's week, month and lifetime top 100. Stored in
 * one D1 batch (one transaction: a failure leaves no partial rows), a ranking only when it
 * changed. Costs one Kick call and two D1 round trips (four statements). The cron, the trigger
 * endpoint and (later) the `kicks.gifted` webhook all come through here.
 */
export async function takeSnapshot(db: D1Database, kick: KickClient, accountId: number, now: number, board?: Leaderboard): Promise<SnapshotResult> {
  const leaderboard = board ?? (await kick.getKicksLeaderboard({ top: 100 }));
  const { results: latest } = await db.prepare("SELECT period, MAX(id) AS id, digest FROM kicks_snapshots WHERE account_id = ? GROUP BY period").bind(accountId).all<{ period: Period; id: number; digest: string }>();
  const changed: { period: Period; digest: string }[] = [];
  const unchanged: { period: Period; id: number }[] = [];
  for (const period of PERIODS) {
    const entries = leaderboard[period].map((e) => [e.rank, e.user_id, e.username, e.gifted_amount]);
    const digest = await sha256Hex(JSON.stringify(entries));
    const previous = latest.find((l) => l.period === period);
    if (previous?.digest === digest) unchanged.push({ period, id: previous.id });
    else changed.push({ period, digest });
  }
  const entries = changed.flatMap(({ period }) => leaderboard[period].map((e) => ({ period, rank: e.rank, user_id: e.user_id, username: e.username, amount: e.gifted_amount })));
  await db.batch([
    db.prepare("UPDATE kicks_snapshots SET last_seen_at = ?1 WHERE id IN (SELECT value FROM json_each(?2))").bind(now, JSON.stringify(unchanged.map((u) => u.id))),
    db.prepare("INSERT INTO kicks_snapshots (account_id, period, taken_at, last_seen_at, digest) SELECT ?1, value ->> 'period', ?2, ?2, value ->> 'digest' FROM json_each(?3)").bind(accountId, now, JSON.stringify(changed)),
    db
      .prepare(
        `INSERT INTO kicks_entries (snapshot_id, rank, user_id, username, amount)
         SELECT (SELECT MAX(id) FROM kicks_snapshots WHERE account_id = ?1 AND period = e.value ->> 'period'), e.value ->> 'rank', e.value ->> 'user_id', e.value ->> 'username', e.value ->> 'amount'
         FROM json_each(?2) AS e`,
      )
      .bind(accountId, JSON.stringify(entries)),
  ]);
  return { account_id: accountId, taken_at: now, changed: changed.map((c) => c.period), unchanged: unchanged.map((u) => u.period) };
}
