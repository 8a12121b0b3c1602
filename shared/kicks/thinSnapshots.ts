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
export async function thinSnapshots(db: D1Database, now: number, r: Retention): Promise<number> {
  const { results } = await db
    .prepare(
      `SELECT s.id FROM kicks_snapshots s WHERE s.taken_at < ?1
         AND s.id < (SELECT MAX(id) FROM kicks_snapshots n WHERE n.account_id = s.account_id AND n.period = s.period)
         AND EXISTS (
           SELECT 1 FROM kicks_snapshots t WHERE t.account_id = s.account_id AND t.period = s.period AND t.id < s.id
             AND t.taken_at <= s.taken_at AND t.taken_at >= s.taken_at / (CASE WHEN s.taken_at < ?2 THEN ${DAY} ELSE ${HOUR} END) * (CASE WHEN s.taken_at < ?2 THEN ${DAY} ELSE ${HOUR} END))
       LIMIT ?3`,
    )
    .bind(now - r.keepAllDays * DAY, now - r.keepHourlyDays * DAY, r.batch)
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
