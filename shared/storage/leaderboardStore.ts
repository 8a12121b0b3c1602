import { NEWEST_SNAPSHOTS, type Period } from "./takeSnapshot";

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

/** The stored KICKs history of one account, read back (queries for the automations Worker and the overlay). */
export const kicksQueries = {
  /** When any ranking of the account was last seen (null: never snapshotted); three index seeks. */
  async lastSeenAt(db: D1Database, accountId: number): Promise<number | null> {
    const row = await db
      .prepare(`SELECT MAX(last_seen_at) AS at FROM kicks_snapshots WHERE id IN (${NEWEST_SNAPSHOTS})`)
      .bind(accountId)
      .first<{ at: number | null }>();
    return row?.at ?? null;
  },

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
      .filter((r) => r.now_amount !== null)
      .map((r) => ({ user_id: r.user_id, username: r.username, gained: r.now_amount! - (r.then_amount ?? 0) }))
      .filter((g) => g.gained > 0)
      .sort((a, b) => b.gained - a.gained || a.user_id - b.user_id)
      .slice(0, top);
  },
};
