/** Five wrong passphrases per client per 15 minutes, then a pause: guessing stays impractical. */
const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;

export const clientOf = (request: Request) => request.headers.get("cf-connecting-ip") ?? "local";

/**
 * Counts this attempt before the passphrase is even compared (one atomic upsert), so parallel
 * guesses cannot all slip past the limit. Returns ms until this client may try again, or 0 when
 * this attempt may be checked. A right passphrase clears the count.
 */
export async function loginBlockedFor(db: D1Database, client: string, now: number): Promise<number> {
  const row = await db
    .prepare(
      `INSERT INTO login_attempts (client, failures, window_start) VALUES (?1, 1, ?2)
       ON CONFLICT (client) DO UPDATE SET
         failures = CASE WHEN ?2 - window_start > ?3 THEN 1 ELSE failures + 1 END,
         window_start = CASE WHEN ?2 - window_start > ?3 THEN ?2 ELSE window_start END
       RETURNING failures, window_start`,
    )
    .bind(client, now, WINDOW_MS)
    .first<{ failures: number; window_start: number }>();
  return row && row.failures > MAX_FAILURES ? row.window_start + WINDOW_MS - now : 0;
}

export async function clearLoginFailures(db: D1Database, client: string): Promise<void> {
  await db.prepare("DELETE FROM login_attempts WHERE client = ?").bind(client).run();
}
