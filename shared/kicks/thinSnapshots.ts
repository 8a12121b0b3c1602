/** Keep every snapshot for KEEP_ALL days, then the first of each hour, and after KEEP_HOURLY days the first of each day. */
export interface Retention {
  keepAllDays: number;
  keepHourlyDays: number;
  /** Snapshots deleted per call at most: the cron thins a little every run, never a lot at once. */
  batch: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Deletes snapshots that retention no longer keeps (with their entries), at most `batch` per
 * call, in one D1 transaction. Returns how many were deleted (0: nothing left to thin).
 */
export async function thinSnapshots(db: D1Database, now: number, r: Retention): Promise<number> {
  const { results } = await db
    .prepare(
      `SELECT s.id FROM kicks_snapshots s WHERE s.taken_at < ?1 AND EXISTS (
         SELECT 1 FROM kicks_snapshots t WHERE t.account_id = s.account_id AND t.period = s.period AND t.id < s.id
           AND t.taken_at / (CASE WHEN s.taken_at < ?2 THEN ${DAY} ELSE ${HOUR} END) = s.taken_at / (CASE WHEN s.taken_at < ?2 THEN ${DAY} ELSE ${HOUR} END))
       LIMIT ?3`,
    )
    .bind(now - r.keepAllDays * DAY, now - r.keepHourlyDays * DAY, r.batch)
    .all<{ id: number }>();
  if (results.length === 0) return 0;
  const ids = JSON.stringify(results.map((row) => row.id));
  await db.batch([
    db.prepare("DELETE FROM kicks_entries WHERE snapshot_id IN (SELECT value FROM json_each(?))").bind(ids),
    db.prepare("DELETE FROM kicks_snapshots WHERE id IN (SELECT value FROM json_each(?))").bind(ids),
  ]);
  return results.length;
}
