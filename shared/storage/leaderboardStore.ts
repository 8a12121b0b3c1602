/**
 * The KICKs leaderboard history (migrations/0005, 0006): kicks_snapshots, kicks_changes and
 * kicks_current. Written by the snapshot (automations cron and endpoint, webhooks' kicks.gifted),
 * read by the automations Worker's endpoints and overlay, thinned by the refresh Worker.
 */

/** The rankings Kick keeps, and kicks_snapshots' CHECK on `period`. */
export const PERIODS = ["week", "month", "lifetime"] as const;
export type Period = (typeof PERIODS)[number];

/** The ids of account ?1's newest snapshot of each period: three index seeks (GROUP BY would read every row). */
const NEWEST_SNAPSHOTS = PERIODS.map(
  (p) => `(SELECT MAX(id) FROM kicks_snapshots WHERE account_id = ?1 AND period = '${p}')`,
).join(", ");

export interface Ranked {
  rank: number;
  user_id: number;
  username: string;
  amount: number;
}

export interface Snapshot {
  period: Period;
  taken_at: number;
  last_seen_at: number;
  entries: Ranked[];
}

interface SnapshotRow {
  id: number;
  taken_at: number;
  last_seen_at: number;
}

const newestAtOrBefore = (db: D1Database, accountId: number, period: Period, at: number) =>
  db
    .prepare(
      "SELECT id, taken_at, last_seen_at FROM kicks_snapshots WHERE account_id = ? AND period = ? AND taken_at <= ? ORDER BY taken_at DESC, id DESC LIMIT 1",
    )
    .bind(accountId, period, at)
    .first<SnapshotRow>();

/**
 * The ranking as of a stored snapshot: each gifter's newest change at or before it (SQLite
 * takes the bare columns from the MAX row), minus those who had left the top 100.
 */
async function rankingAt(
  db: D1Database,
  accountId: number,
  period: Period,
  snapshotId: number,
  top: number,
): Promise<Ranked[]> {
  const { results } = await db
    .prepare(
      `SELECT rank, user_id, username, amount FROM (
         SELECT user_id, rank, username, amount, MAX(snapshot_id) FROM kicks_changes WHERE account_id = ?1 AND period = ?2 AND snapshot_id <= ?3 GROUP BY user_id
       ) WHERE rank IS NOT NULL ORDER BY rank LIMIT ?4`,
    )
    .bind(accountId, period, snapshotId, top)
    .all<Ranked>();
  return results;
}

/**
 * When any ranking of the account was last seen (null: never snapshotted); three index seeks.
 * Apart from `kicksQueries`: the webhooks Worker needs only this (to debounce snapshots).
 */
export async function kicksLastSeenAt(db: D1Database, accountId: number): Promise<number | null> {
  const row = await db
    .prepare(`SELECT MAX(last_seen_at) AS at FROM kicks_snapshots WHERE id IN (${NEWEST_SNAPSHOTS})`)
    .bind(accountId)
    .first<{ at: number | null }>();
  return row?.at ?? null;
}

/** The stored KICKs history of one account, read back (queries for the automations Worker and the overlay). */
export const kicksQueries = {
  /** The ranking as it stood at `at` (the newest snapshot taken at or before it). */
  async topAt(db: D1Database, accountId: number, period: Period, at: number, top = 10): Promise<Snapshot | null> {
    const snap = await newestAtOrBefore(db, accountId, period, at);
    return (
      snap && {
        period,
        taken_at: snap.taken_at,
        last_seen_at: snap.last_seen_at,
        entries: await rankingAt(db, accountId, period, snap.id, top),
      }
    );
  },

  /** The ranking as it stands: read from kicks_current, so an overlay polling it stays cheap. */
  async latest(db: D1Database, accountId: number, period: Period, top = 10): Promise<Snapshot | null> {
    const [snap, entries] = await db.batch<unknown>([
      db
        .prepare(
          "SELECT taken_at, last_seen_at FROM kicks_snapshots WHERE account_id = ? AND period = ? ORDER BY id DESC LIMIT 1",
        )
        .bind(accountId, period),
      db
        .prepare(
          "SELECT rank, user_id, username, amount FROM kicks_current WHERE account_id = ? AND period = ? AND rank IS NOT NULL ORDER BY rank LIMIT ?",
        )
        .bind(accountId, period, top),
    ]);
    const row = snap!.results[0] as SnapshotRow | undefined;
    return row
      ? { period, taken_at: row.taken_at, last_seen_at: row.last_seen_at, entries: entries!.results as Ranked[] }
      : null;
  },

  /**
   * A user's rank and amount each time their standing changed, with when it held until
   * (rank and amount null: out of the top 100 from then on).
   */
  async history(db: D1Database, accountId: number, period: Period, user: { id?: number; name?: string }) {
    const { results } = await db
      .prepare(
        `WITH who AS (SELECT COALESCE(?3, (SELECT user_id FROM kicks_changes WHERE account_id = ?1 AND period = ?2 AND lower(username) = lower(?4) ORDER BY snapshot_id DESC LIMIT 1)) AS id)
         SELECT s.taken_at, c.rank, c.amount, c.user_id, c.username,
           COALESCE(LEAD(s.taken_at) OVER (ORDER BY c.snapshot_id), (SELECT MAX(last_seen_at) FROM kicks_snapshots WHERE account_id = ?1 AND period = ?2)) AS until
         FROM kicks_changes c JOIN kicks_snapshots s ON s.id = c.snapshot_id
         WHERE c.account_id = ?1 AND c.period = ?2 AND c.user_id = (SELECT id FROM who) ORDER BY c.snapshot_id`,
      )
      .bind(accountId, period, user.id ?? null, user.name ?? "")
      .all<{
        taken_at: number;
        until: number;
        rank: number | null;
        amount: number | null;
        user_id: number;
        username: string;
      }>();
    return results;
  },

  /**
   * Lifetime KICKs gifted between two times, per user, most first. The baseline is the ranking
   * at `since`, or, when nothing was stored that early, the first one stored after it (the
   * first snapshot of a stream is taken as it goes live). Only gifters whose amount changed in
   * between are looked at, each with two index seeks.
   */
  async gain(db: D1Database, accountId: number, since: number, until: number, top = 10) {
    const end = await newestAtOrBefore(db, accountId, "lifetime", until);
    const start =
      (await newestAtOrBefore(db, accountId, "lifetime", since)) ??
      (await db
        .prepare(
          "SELECT id FROM kicks_snapshots WHERE account_id = ? AND period = 'lifetime' AND taken_at >= ? AND taken_at <= ? ORDER BY taken_at, id LIMIT 1",
        )
        .bind(accountId, since, until)
        .first<{ id: number }>());
    if (!end || !start || start.id >= end.id) return [];
    const amountAt = (bound: string) =>
      `SELECT amount FROM kicks_changes WHERE account_id = ?1 AND period = 'lifetime' AND user_id = u.user_id AND snapshot_id <= ${bound} ORDER BY snapshot_id DESC LIMIT 1`;
    const { results } = await db
      .prepare(
        `WITH u AS (SELECT DISTINCT user_id FROM kicks_changes WHERE snapshot_id > ?2 AND snapshot_id <= ?3 AND account_id = ?1 AND period = 'lifetime')
         SELECT u.user_id, (${amountAt("?3")}) AS now_amount, (${amountAt("?2")}) AS then_amount,
           (SELECT username FROM kicks_changes WHERE account_id = ?1 AND period = 'lifetime' AND user_id = u.user_id AND snapshot_id <= ?3 ORDER BY snapshot_id DESC LIMIT 1) AS username
         FROM u`,
      )
      .bind(accountId, start.id, end.id)
      .all<{ user_id: number; now_amount: number | null; then_amount: number | null; username: string }>();
    return results
      .filter((gifter) => gifter.now_amount !== null)
      .map((gifter) => ({
        user_id: gifter.user_id,
        username: gifter.username,
        gained: gifter.now_amount! - (gifter.then_amount ?? 0),
      }))
      .filter((g) => g.gained > 0)
      .sort((a, b) => b.gained - a.gained || a.user_id - b.user_id)
      .slice(0, top);
  },
};

// Bound as ?1 account id, ?2 the changed periods' new entries (JSON), ?3 the changed periods.
// The new rankings as rows:
const NEW = `(SELECT value ->> 'period' AS period, value ->> 'user_id' AS user_id, value ->> 'rank' AS rank, value ->> 'username' AS username, value ->> 'amount' AS amount FROM json_each(?2))`;
// Gifters ranked until now whom a changed ranking no longer has:
const LEFT = `(SELECT period, user_id, username FROM kicks_current WHERE account_id = ?1 AND rank IS NOT NULL AND period IN (SELECT value FROM json_each(?3))
  AND (period, user_id) NOT IN (SELECT value ->> 'period', value ->> 'user_id' FROM json_each(?2)))`;
// The snapshot row this batch just inserted for the period (same transaction):
const NEWEST = "(SELECT MAX(id) FROM kicks_snapshots WHERE account_id = ?1 AND period = n.period)";

/** The digest of each period's newest stored ranking (to tell a changed ranking from an unchanged one). */
export async function newestDigests(db: D1Database, accountId: number) {
  const { results } = await db
    .prepare(`SELECT id, period, digest FROM kicks_snapshots WHERE id IN (${NEWEST_SNAPSHOTS})`)
    .bind(accountId)
    .all<{ period: Period; id: number; digest: string }>();
  return results;
}

/** One period's ranking as a snapshot stores it. */
export interface RankingEntry {
  period: Period;
  rank: number;
  user_id: number;
  username: string;
  amount: number;
}

/**
 * Stores a snapshot in one D1 batch (one transaction: a failure leaves no partial rows):
 * unchanged periods carry their snapshot's id, so the upsert only moves their last_seen_at;
 * changed ones get a snapshot row, a change row per gifter who moved, and kicks_current
 * follows. At most three statements. Returns the D1 rows written.
 */
export async function storeSnapshot(
  db: D1Database,
  snapshot: {
    accountId: number;
    takenAt: number;
    unchanged: { period: Period; id: number; digest: string }[];
    changed: { period: Period; digest: string }[];
    entries: RankingEntry[];
  },
): Promise<number> {
  const { accountId, changed } = snapshot;
  const snapshots = [...snapshot.unchanged, ...changed.map((c) => ({ id: null, ...c }))];
  const statements = [
    db
      .prepare(
        `INSERT INTO kicks_snapshots (id, account_id, period, taken_at, last_seen_at, digest)
         SELECT value ->> 'id', ?1, value ->> 'period', ?2, ?2, value ->> 'digest' FROM json_each(?3) WHERE true
         ON CONFLICT (id) DO UPDATE SET last_seen_at = MAX(last_seen_at, excluded.last_seen_at)`,
      )
      .bind(accountId, snapshot.takenAt, JSON.stringify(snapshots)),
  ];
  if (changed.length) {
    const periods = JSON.stringify(changed.map((c) => c.period));
    const entries = JSON.stringify(snapshot.entries);
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
  return results.reduce((n, result) => n + (result.meta.rows_written ?? 0), 0);
}

/** Keep every snapshot for KEEP_ALL days, then the first of each hour, and after KEEP_HOURLY days the first of each day. */
export interface Retention {
  keepAllDays: number;
  keepHourlyDays: number;
  /** Snapshots deleted per call at most: the cron thins a little every run, never a lot at once. */
  batch: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// For each doomed snapshot, the next one kept (the same account and period): its changes move
// there. The newest snapshot of a ranking is never doomed, so there always is one.
const SURVIVORS = `WITH doomed(id) AS (SELECT value FROM json_each(?1)),
  survivor AS (SELECT d.id AS doomed_id, (SELECT MIN(t.id) FROM kicks_snapshots s JOIN kicks_snapshots t ON t.account_id = s.account_id AND t.period = s.period AND t.id > s.id
    WHERE s.id = d.id AND t.id NOT IN (SELECT id FROM doomed)) AS kept_id FROM doomed d)`;

/**
 * Deletes snapshots that retention no longer keeps, at most `batch` per call, in one D1
 * transaction. Their changes are folded into the next kept snapshot (a change superseded by
 * then is dropped), so every ranking still stored reads back exactly as it was. Returns how
 * many were deleted (0: nothing left to thin).
 */
export async function thinSnapshots(db: D1Database, now: number, retention: Retention): Promise<number> {
  const { results } = await db
    .prepare(
      `SELECT s.id FROM kicks_snapshots s WHERE s.taken_at < ?1
         AND s.id < (SELECT MAX(id) FROM kicks_snapshots n WHERE n.account_id = s.account_id AND n.period = s.period)
         AND EXISTS (
           SELECT 1 FROM kicks_snapshots t WHERE t.account_id = s.account_id AND t.period = s.period AND t.id < s.id
             AND t.taken_at <= s.taken_at AND t.taken_at >= s.taken_at / (CASE WHEN s.taken_at < ?2 THEN ${DAY} ELSE ${HOUR} END) * (CASE WHEN s.taken_at < ?2 THEN ${DAY} ELSE ${HOUR} END))
       LIMIT ?3`,
    )
    .bind(now - retention.keepAllDays * DAY, now - retention.keepHourlyDays * DAY, retention.batch)
    .all<{ id: number }>();
  if (results.length === 0) return 0;
  const ids = JSON.stringify(results.map((row) => row.id));
  await db.batch([
    db
      .prepare(
        `${SURVIVORS}
         DELETE FROM kicks_changes WHERE (account_id, period, user_id, snapshot_id) IN (
           SELECT c.account_id, c.period, c.user_id, c.snapshot_id FROM survivor v JOIN kicks_changes c ON c.snapshot_id = v.doomed_id
           WHERE EXISTS (SELECT 1 FROM kicks_changes f WHERE f.account_id = c.account_id AND f.period = c.period AND f.user_id = c.user_id AND f.snapshot_id > c.snapshot_id AND f.snapshot_id <= v.kept_id))`,
      )
      .bind(ids),
    db
      .prepare(
        `${SURVIVORS} UPDATE kicks_changes SET snapshot_id = (SELECT kept_id FROM survivor WHERE doomed_id = snapshot_id) WHERE snapshot_id IN (SELECT id FROM doomed)`,
      )
      .bind(ids),
    db.prepare("DELETE FROM kicks_snapshots WHERE id IN (SELECT value FROM json_each(?))").bind(ids),
    // Gifters who left the top 100 stay in kicks_current only to spare a delete per snapshot.
    db.prepare("DELETE FROM kicks_current WHERE rank IS NULL"),
  ]);
  return results.length;
}
