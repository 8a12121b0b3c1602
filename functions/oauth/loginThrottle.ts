import { clientOf } from "../../shared/http/request";
/**
 * Wrong passphrases per 15-minute window: five per client, thirty for everyone together (many
 * addresses guessing at once). With a passphrase of 20 characters or more, guessing stays
 * hopeless. Buckets are named under a tag of the admin key, so rotating ADMIN_SECRET empties
 * them: that is how a locked-out owner gets back in.
 */
export const LOGIN_LIMITS = { perClient: 5, overall: 30, windowMs: 15 * 60_000 } as const;

/** Where a guess is counted: its client's bucket and the shared one. */
export interface Buckets {
  client: string;
  overall: string;
}

interface Row {
  client: string;
  failures: number;
  window_start: number;
}

export const bucketsOf = (request: Request, tag: string): Buckets => ({
  client: `${tag}:${clientOf(request)}`,
  overall: `${tag}:*`,
});

/** Ms until the later of the buckets reopens; `counted` says whether these rows include this guess. */
function waitFor(rows: Row[], buckets: Buckets, now: number, counted: boolean): number {
  let wait = 0;
  for (const row of rows) {
    const limit = row.client === buckets.overall ? LOGIN_LIMITS.overall : LOGIN_LIMITS.perClient;
    const open = now - row.window_start <= LOGIN_LIMITS.windowMs;
    if (open && row.failures - (counted ? 1 : 0) >= limit)
      wait = Math.max(wait, row.window_start + LOGIN_LIMITS.windowMs - now);
  }
  return wait;
}

/**
 * Ms until this guess may be checked, or 0 when it may be checked now. A client that is already
 * blocked learns so from one read and writes nothing. Otherwise the guess is counted before the
 * passphrase is compared (atomic upserts, one batch), so parallel guesses cannot all slip past.
 */
export async function admitGuess(db: D1Database, buckets: Buckets, now: number): Promise<number> {
  const { results } = await db
    .prepare("SELECT client, failures, window_start FROM login_attempts WHERE client IN (?, ?)")
    .bind(buckets.client, buckets.overall)
    .all<Row>();
  const blocked = waitFor(results, buckets, now, false);
  if (blocked > 0) return blocked;
  const count = (client: string) =>
    db
      .prepare(
        `INSERT INTO login_attempts (client, failures, window_start) VALUES (?1, 1, ?2)
         ON CONFLICT (client) DO UPDATE SET
           failures = CASE WHEN ?2 - window_start > ?3 THEN 1 ELSE failures + 1 END,
           window_start = CASE WHEN ?2 - window_start > ?3 THEN ?2 ELSE window_start END
         RETURNING client, failures, window_start`,
      )
      .bind(client, now, LOGIN_LIMITS.windowMs);
  const counted = await db.batch<Row>([count(buckets.client), count(buckets.overall)]);
  return waitFor(
    counted.flatMap((r) => r.results),
    buckets,
    now,
    true,
  );
}

/**
 * A right passphrase: its client starts afresh, the shared bucket takes back the guess it
 * counted (only wrong ones should add up there), and lapsed buckets go, an old secret's too.
 */
export async function forgiveGuess(db: D1Database, buckets: Buckets, now: number): Promise<void> {
  await db.batch([
    db
      .prepare("DELETE FROM login_attempts WHERE client = ? OR window_start < ?")
      .bind(buckets.client, now - LOGIN_LIMITS.windowMs),
    db
      .prepare("UPDATE login_attempts SET failures = failures - 1 WHERE client = ? AND failures > 0")
      .bind(buckets.overall),
  ]);
}
