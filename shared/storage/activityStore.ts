/**
 * The `activity` table (migrations/0013): trigger calls and token refreshes, for a channel's
 * activity page. Each Worker imports only its own function: esbuild would otherwise put every
 * Worker's SQL in each bundle, and the automations Worker's has no room to spare.
 */

export const ACTIVITY_RETENTION = {
  /** Rows older than this go, like webhook_events: the page is about what happened lately. */
  maxAgeMs: 7 * 86_400_000,
  /** Past an account's newest this many, the rest go: a busy key cannot grow the table for a week. */
  perAccount: 500,
};

/**
 * One trigger call, in the table's order: account, when (ms), the method and the action's path
 * template ("POST /v1/chat": never the query, where a key may ride), the key's name, "ok" /
 * "replay" / the error code, and the HTTP status.
 */
export type TriggerActivity = [
  accountId: number,
  at: number,
  what: string,
  keyName: string,
  outcome: string,
  status: number,
];

/**
 * Records trigger calls in one statement however many (the pipeline gathers them, off the hot
 * path); `kind` is the column's default, a few bytes the automations Worker lacks.
 */
export const recordTriggers = (db: D1Database, rows: TriggerActivity[]) =>
  db
    .prepare(
      "INSERT INTO activity (account_id, at, what, key_name, outcome, status) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(?)",
    )
    .bind(JSON.stringify(rows))
    .run();

/** What one refresh came to: "ok", "needs_reconnect" (with why, in our words), or Kick's failure class. */
export interface RefreshActivity {
  account_id: number;
  at: number;
  what: "scheduled" | "on_demand";
  outcome: string;
  detail: string | null;
}

/** Records a run's refreshes in one statement, whatever their number (bound parameters are capped at 100). */
export async function recordRefreshes(db: D1Database, rows: RefreshActivity[]): Promise<void> {
  if (!rows.length) return;
  await db
    .prepare(
      `INSERT INTO activity (account_id, at, kind, what, outcome, detail)
       SELECT value ->> 'account_id', value ->> 'at', 'refresh', value ->> 'what', value ->> 'outcome', value ->> 'detail' FROM json_each(?)`,
    )
    .bind(JSON.stringify(rows))
    .run();
}

export type ActivityKind = "trigger" | "refresh";

export interface ActivityRow {
  at: number;
  kind: ActivityKind;
  what: string;
  key_name: string | null;
  outcome: string;
  status: number | null;
  detail: string | null;
}

/** The account's newest rows, of one kind or both, newest first. */
export async function activityOf(
  db: D1Database,
  accountId: number,
  kind: ActivityKind | null,
  limit: number,
): Promise<ActivityRow[]> {
  const { results } = await db
    .prepare(
      `SELECT at, kind, what, key_name, outcome, status, detail FROM activity
       WHERE account_id = ?1 AND (?2 IS NULL OR kind = ?2) ORDER BY at DESC, id DESC LIMIT ?3`,
    )
    .bind(accountId, kind, limit)
    .all<ActivityRow>();
  return results;
}

/**
 * Retention (the refresh Worker's hourly housekeeping): rows past the age, then each account's
 * rows past its newest `perAccount`, at most `batch` of each per call. Returns what went.
 */
export async function forgetOldActivity(
  db: D1Database,
  now: number,
  batch: number,
): Promise<{ aged: number; excess: number }> {
  const [aged, excess] = await db.batch([
    db
      .prepare("DELETE FROM activity WHERE id IN (SELECT id FROM activity WHERE at < ? LIMIT ?)")
      .bind(now - ACTIVITY_RETENTION.maxAgeMs, batch),
    db
      .prepare(
        `DELETE FROM activity WHERE id IN (SELECT id FROM (
           SELECT id, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY at DESC, id DESC) AS n FROM activity
         ) WHERE n > ? LIMIT ?)`,
      )
      .bind(ACTIVITY_RETENTION.perAccount, batch),
  ]);
  return { aged: aged!.meta.changes, excess: excess!.meta.changes };
}
