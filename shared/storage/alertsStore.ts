/**
 * The `alerts` table (migrations/0014): what the alerts overlay shows. Written by the webhooks
 * Worker (in its per-event batch) and the control room (samples), read by the automations
 * Worker's overlay action, swept by the refresh Worker. Each Worker imports only its own
 * function: esbuild would otherwise put every Worker's SQL in each bundle.
 */

export const ALERT_RETENTION = {
  /** An alert is news for seconds; a day covers an overlay that was closed for a while, and no more. */
  maxAgeMs: 86_400_000,
  /** Past an account's newest this many, the rest go: the overlay shows what is new, and keeps no history. */
  perAccount: 50,
};

/** What an alert displays (placeholders as the event replies use: docs/webhooks.md). */
export interface Alert {
  /** The Kick event type. */
  type: string;
  username: string;
  /** Months (subscriptions), subs gifted, KICKs, or the reward's cost. */
  amount: number | null;
  /** The reward's title, or the KICKs gift's name. */
  reward: string | null;
  /** The KICKs gift's message, or what the redeemer wrote. */
  message: string | null;
}

export interface AlertRow extends Alert {
  id: number;
  at: number;
}

/**
 * Writes an alert for the account, or nothing when it is not connected: the webhooks Worker puts
 * this in the batch that reads the account, where a refused foreign key would undo the whole
 * batch. Viewers' words are cut to what an overlay can show.
 */
export const alertStatement = (db: D1Database, accountId: number, a: Alert, now: number) =>
  db
    .prepare(
      `INSERT INTO alerts (account_id, type, username, amount, reward, message, at)
       SELECT id, ?2, substr(?3, 1, 100), ?4, substr(?5, 1, 100), substr(?6, 1, 300), ?7 FROM accounts WHERE id = ?1`,
    )
    .bind(accountId, a.type, a.username, a.amount, a.reward, a.message, now);

/**
 * The account's newest alert id (0 when it has none), and up to `limit` alerts after `after`,
 * oldest first; with `after` null only the id, so an overlay opening starts from now.
 */
export async function alertsAfter(
  db: D1Database,
  accountId: number,
  after: number | null,
  limit: number,
): Promise<{ last: number; alerts: AlertRow[] }> {
  const [last, alerts] = await db.batch<{ id: number }>([
    db.prepare("SELECT id FROM alerts WHERE account_id = ? ORDER BY id DESC LIMIT 1").bind(accountId),
    db
      .prepare(
        "SELECT id, type, username, amount, reward, message, at FROM alerts WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?",
      )
      .bind(accountId, after ?? Number.MAX_SAFE_INTEGER, limit),
  ]);
  return { last: last!.results[0]?.id ?? 0, alerts: alerts!.results as AlertRow[] };
}

/** The account's newest alerts, newest first (the control room's alerts page). */
export async function recentAlerts(db: D1Database, accountId: number, limit: number): Promise<AlertRow[]> {
  const { results } = await db
    .prepare(
      "SELECT id, type, username, amount, reward, message, at FROM alerts WHERE account_id = ? ORDER BY id DESC LIMIT ?",
    )
    .bind(accountId, limit)
    .all<AlertRow>();
  return results;
}

/**
 * Retention (the refresh Worker's hourly housekeeping): rows past the age, then each account's
 * rows past its newest `perAccount`, at most `batch` of each per call. Returns what went.
 */
export async function forgetOldAlerts(
  db: D1Database,
  now: number,
  batch: number,
): Promise<{ aged: number; excess: number }> {
  const [aged, excess] = await db.batch([
    db
      .prepare("DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE at < ? LIMIT ?)")
      .bind(now - ALERT_RETENTION.maxAgeMs, batch),
    db
      .prepare(
        `DELETE FROM alerts WHERE id IN (SELECT id FROM (
           SELECT id, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY id DESC) AS n FROM alerts
         ) WHERE n > ? LIMIT ?)`,
      )
      .bind(ALERT_RETENTION.perAccount, batch),
  ]);
  return { aged: aged!.meta.changes, excess: excess!.meta.changes };
}
