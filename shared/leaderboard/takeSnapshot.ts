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
  /** D1 rows this snapshot wrote (the Free plan allows 100,000 a day). */
  rows_written: number;
}

/** The ids of account ?1's newest snapshot of each period: three index seeks (GROUP BY would read every row). */
export const NEWEST_SNAPSHOTS = PERIODS.map(
  (p) => `(SELECT MAX(id) FROM kicks_snapshots WHERE account_id = ?1 AND period = '${p}')`,
).join(", ");

// Bound as ?1 account id, ?2 the changed periods' new entries (JSON), ?3 the changed periods.
// The new rankings as rows:
const NEW = `(SELECT value ->> 'period' AS period, value ->> 'user_id' AS user_id, value ->> 'rank' AS rank, value ->> 'username' AS username, value ->> 'amount' AS amount FROM json_each(?2))`;
// Gifters ranked until now whom a changed ranking no longer has:
const LEFT = `(SELECT period, user_id, username FROM kicks_current WHERE account_id = ?1 AND rank IS NOT NULL AND period IN (SELECT value FROM json_each(?3))
  AND (period, user_id) NOT IN (SELECT value ->> 'period', value ->> 'user_id' FROM json_each(?2)))`;
// The snapshot row this batch just inserted for the period (same transaction):
const NEWEST = "(SELECT MAX(id) FROM kicks_snapshots WHERE account_id = ?1 AND period = n.period)";

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
  kick: KickClient,
  accountId: number,
  now: number,
  board?: Leaderboard,
): Promise<SnapshotResult> {
  const leaderboard = board ?? (await kick.getKicksLeaderboard({ top: 100 }));
  const { results: latest } = await db
    .prepare(`SELECT id, period, digest FROM kicks_snapshots WHERE id IN (${NEWEST_SNAPSHOTS})`)
    .bind(accountId)
    .all<{ period: Period; id: number; digest: string }>();
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

  // Unchanged periods carry their snapshot's id, so the upsert only moves their last_seen_at.
  const snapshots = [...unchanged, ...changed.map((c) => ({ id: null, ...c }))];
  const statements = [
    db
      .prepare(
        `INSERT INTO kicks_snapshots (id, account_id, period, taken_at, last_seen_at, digest)
         SELECT value ->> 'id', ?1, value ->> 'period', ?2, ?2, value ->> 'digest' FROM json_each(?3) WHERE true
         ON CONFLICT (id) DO UPDATE SET last_seen_at = MAX(last_seen_at, excluded.last_seen_at)`,
      )
      .bind(accountId, now, JSON.stringify(snapshots)),
  ];
  if (changed.length) {
    const periods = JSON.stringify(changed.map((c) => c.period));
    const entries = JSON.stringify(
      changed.flatMap(({ period }) =>
        leaderboard[period].map((e) => ({
          period,
          rank: e.rank,
          user_id: e.user_id,
          username: e.username,
          amount: e.gifted_amount,
        })),
      ),
    );
    statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO kicks_changes (account_id, period, user_id, snapshot_id, rank, username, amount)
           SELECT ?1, n.period, n.user_id, ${NEWEST}, n.rank, n.username, n.amount FROM ${NEW} AS n
             LEFT JOIN kicks_current AS c ON c.account_id = ?1 AND c.period = n.period AND c.user_id = n.user_id
             WHERE c.user_id IS NULL OR c.rank IS NOT n.rank OR c.amount IS NOT n.amount OR c.username IS NOT n.username
           UNION ALL
           SELECT ?1, n.period, n.user_id, ${NEWEST}, NULL, n.username, NULL FROM ${LEFT} AS n`,
        )
        .bind(accountId, entries, periods),
      db
        .prepare(
          `INSERT INTO kicks_current (account_id, period, user_id, rank, username, amount)
           SELECT ?1, period, user_id, rank, username, amount FROM ${NEW} WHERE true
           UNION ALL
           SELECT ?1, period, user_id, NULL, username, NULL FROM ${LEFT} WHERE true
           ON CONFLICT (account_id, period, user_id) DO UPDATE SET rank = excluded.rank, username = excluded.username, amount = excluded.amount
           WHERE rank IS NOT excluded.rank OR username IS NOT excluded.username OR amount IS NOT excluded.amount`,
        )
        .bind(accountId, entries, periods),
    );
  }
  const results = await db.batch(statements);
  return {
    account_id: accountId,
    taken_at: now,
    changed: changed.map((c) => c.period),
    unchanged: unchanged.map((u) => u.period),
    rows_written: results.reduce((n, r) => n + (r.meta.rows_written ?? 0), 0),
  };
}
