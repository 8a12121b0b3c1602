/** Five wrong passphrases per client per 15 minutes, then a pause: guessing stays impractical. */
const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;

export const clientOf = (request: Request) => request.headers.get("cf-connecting-ip") ?? "local";

/** ms until this client may try again; 0 when it may try now. */
export async function loginBlockedFor(db: D1Database, client: string, now: number): Promise<number> {
  const row = await db.prepare("SELECT failures, window_start FROM login_attempts WHERE client = ?").bind(client).first<{ failures: number; window_start: number }>();
  if (!row || now - row.window_start > WINDOW_MS || row.failures < MAX_FAILURES) return 0;
  return row.window_start + WINDOW_MS - now;
}

export async function recordLoginFailure(db: D1Database, client: string, now: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO login_attempts (client, failures, window_start) VALUES (?1, 1, ?2)
       ON CONFLICT (client) DO UPDATE SET
         failures = CASE WHEN ?2 - window_start > ?3 THEN 1 ELSE failures + 1 END,
         window_start = CASE WHEN ?2 - window_start > ?3 THEN ?2 ELSE window_start END`,
    )
    .bind(client, now, WINDOW_MS)
    .run();
}

export async function clearLoginFailures(db: D1Database, client: string): Promise<void> {
  await db.prepare("DELETE FROM login_attempts WHERE client = ?").bind(client).run();
}
