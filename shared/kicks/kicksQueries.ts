import type { Period } from "./takeSnapshot";

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

async function snapshotWhere(db: D1Database, accountId: number, period: Period, at: number, top: number): Promise<Snapshot | null> {
  const snap = await db
    .prepare("SELECT id, taken_at, last_seen_at FROM kicks_snapshots WHERE account_id = ? AND period = ? AND taken_at <= ? ORDER BY taken_at DESC, id DESC LIMIT 1")
    .bind(accountId, period, at)
    .first<{ id: number; taken_at: number; last_seen_at: number }>();
  if (!snap) return null;
  const { results } = await db.prepare("SELECT rank, user_id, username, amount FROM kicks_entries WHERE snapshot_id = ? ORDER BY rank LIMIT ?").bind(snap.id, top).all<Ranked>();
  return { period, taken_at: snap.taken_at, last_seen_at: snap.last_seen_at, entries: results };
}

async function firstAfter(db: D1Database, accountId: number, since: number, until: number): Promise<Snapshot | null> {
  const snap = await db
    .prepare("SELECT taken_at FROM kicks_snapshots WHERE account_id = ? AND period = 'lifetime' AND taken_at >= ? AND taken_at <= ? ORDER BY taken_at, id LIMIT 1")
    .bind(accountId, since, until)
    .first<{ taken_at: number }>();
  return snap ? snapshotWhere(db, accountId, "lifetime", snap.taken_at, 100) : null;
}

/** The stored KICKs history of one account, read back (queries for the automations Worker and the overlay). */
export const kicksQueries = {
  /** The ranking as it stood at `at` (the newest snapshot taken at or before it). */
  topAt: (db: D1Database, accountId: number, period: Period, at: number, top = 10) => snapshotWhere(db, accountId, period, at, top),

  latest: (db: D1Database, accountId: number, period: Period, top = 10) => snapshotWhere(db, accountId, period, Number.MAX_SAFE_INTEGER, top),

  /** A user's rank and amount each time their standing changed. */
  async history(db: D1Database, accountId: number, period: Period, user: { id?: number; name?: string }) {
    const { results } = await db
      .prepare(
        `SELECT s.taken_at, s.last_seen_at, e.rank, e.amount, e.user_id, e.username FROM kicks_entries e JOIN kicks_snapshots s ON s.id = e.snapshot_id
         WHERE s.account_id = ?1 AND s.period = ?2 AND (e.user_id = ?3 OR lower(e.username) = lower(?4)) ORDER BY s.taken_at`,
      )
      .bind(accountId, period, user.id ?? -1, user.name ?? "")
      .all<{ taken_at: number; last_seen_at: number; rank: number; amount: number; user_id: number; username: string }>();
    return results;
  },

  /**
   * Lifetime KICKs gifted between two times, per user, most first. The baseline is the ranking
   * at `since`, or, when nothing was stored that early, the first one stored after it (the
   * first snapshot of a stream is taken as it goes live).
   */
  async gain(db: D1Database, accountId: number, since: number, until: number, top = 10) {
    const [atSince, after] = await Promise.all([snapshotWhere(db, accountId, "lifetime", since, 100), snapshotWhere(db, accountId, "lifetime", until, 100)]);
    const before = atSince ?? (await firstAfter(db, accountId, since, until));
    const start = new Map((before?.entries ?? []).map((e) => [e.user_id, e.amount]));
    return (after?.entries ?? [])
      .map((e) => ({ user_id: e.user_id, username: e.username, gained: e.amount - (start.get(e.user_id) ?? 0) }))
      .filter((g) => g.gained > 0)
      .sort((a, b) => b.gained - a.gained || a.user_id - b.user_id)
      .slice(0, top);
  },
};
