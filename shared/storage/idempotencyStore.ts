/** Replays are answered from here for 24 h (Zapier's autoreplay spans ~10.5 h). */
const TTL_MS = 24 * 3600_000;
/** Failures that certainly did nothing: a retry should run again, not replay the failure. */
const NOT_STORED = new Set([429, 502, 503]);

/** A claim's lease: a first call still running after this long is presumed dead, and its key free again. */
const LEASE_MS = 60_000;

export type Claim =
  | { kind: "new" }
  | { kind: "replay"; response: Response }
  | { kind: "in_progress" }
  | { kind: "mismatch" }
  | { kind: "free" };

/** The caller's idempotency key: `Idempotency-Key` header or `idem` parameter. */
export function idempotencyKeyOf(request: Request): string | null {
  const value = request.headers.get("idempotency-key") ?? new URL(request.url).searchParams.get("idem");
  return value && value.trim() ? value.trim().slice(0, 200) : null;
}

/** Polls while a duplicate's first call runs (a double-tapped button): most finish in a second or two. */
const WAIT_FOR_FIRST_MS = [250, 500, 1000, 1500];

/**
 * Claims `idemKey` for this key and this request; a concurrent duplicate waits briefly for the
 * first call's answer and replays it, or runs itself if the first call let go.
 */
export async function claim(
  db: D1Database,
  keyId: string,
  idemKey: string,
  fingerprint: string,
  now: number,
): Promise<Claim> {
  let claimed = await tryClaim(db, keyId, idemKey, fingerprint, now);
  for (const ms of WAIT_FOR_FIRST_MS) {
    if (claimed.kind !== "in_progress") break;
    await new Promise((resolve) => setTimeout(resolve, ms));
    claimed = await held(db, keyId, idemKey, fingerprint);
    if (claimed.kind === "free") claimed = await tryClaim(db, keyId, idemKey, fingerprint, now);
  }
  return claimed;
}

/**
 * Claims `idemKey` for this key and this request (`fingerprint`), once. A unique row decides, so two
 * racing calls cannot both run; a row past its 24 h, or a first call whose lease ran out, is
 * taken over. Otherwise: the first answer to replay, still running, or another request's key.
 */
async function tryClaim(
  db: D1Database,
  keyId: string,
  idemKey: string,
  fingerprint: string,
  now: number,
): Promise<Claim> {
  const taken = await db
    .prepare(
      `INSERT INTO idempotency (key_id, idem_key, created_at, fingerprint, lease_until) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (key_id, idem_key) DO UPDATE
         SET status = NULL, body = NULL, content_type = NULL, created_at = ?3, fingerprint = ?4, lease_until = ?5
         WHERE created_at < ?6 OR (status IS NULL AND COALESCE(lease_until, 0) < ?3 AND (fingerprint IS NULL OR fingerprint = ?4))`,
    )
    .bind(keyId, idemKey, now, fingerprint, now + LEASE_MS, now - TTL_MS)
    .run();
  if (taken.meta.changes === 1) return { kind: "new" };
  return held(db, keyId, idemKey, fingerprint);
}

/** What holds a key already claimed: its first answer, a call still running, or another request. */
async function held(db: D1Database, keyId: string, idemKey: string, fingerprint: string): Promise<Claim> {
  const row = await db
    .prepare("SELECT status, body, content_type, fingerprint FROM idempotency WHERE key_id = ? AND idem_key = ?")
    .bind(keyId, idemKey)
    .first<{ status: number | null; body: string | null; content_type: string | null; fingerprint: string | null }>();
  if (row?.fingerprint && row.fingerprint !== fingerprint) return { kind: "mismatch" };
  // Gone: the first call did nothing and let go; the key is free to claim.
  if (!row) return { kind: "free" };
  if (row.status === null) return { kind: "in_progress" };
  return {
    kind: "replay",
    response: new Response(row.body, {
      status: row.status,
      headers: {
        "content-type": row.content_type ?? "application/json",
        "idempotent-replay": "true",
        "cache-control": "no-store",
      },
    }),
  };
}

/**
 * Keeps the first answer for replays; or lets go of the claim when nothing was done. Only the
 * claim made at `claimedAt`: a call that outlived its lease must not settle (or free) the claim
 * of the call that took the key over.
 */
export async function settle(
  db: D1Database,
  keyId: string,
  idemKey: string,
  claimedAt: number,
  response: Response,
): Promise<Response> {
  if (NOT_STORED.has(response.status)) {
    await db
      .prepare("DELETE FROM idempotency WHERE key_id = ? AND idem_key = ? AND created_at = ?")
      .bind(keyId, idemKey, claimedAt)
      .run();
    return response;
  }
  // A secret shown once (a relay's signing secret) is never kept: a replay says so instead.
  const body = (await response.clone().text()).replace(/"secret":"[^"]*"/g, '"secret":"(shown once, not replayed)"');
  await db
    .prepare(
      "UPDATE idempotency SET status = ?, body = ?, content_type = ? WHERE key_id = ? AND idem_key = ? AND created_at = ?",
    )
    .bind(response.status, body, response.headers.get("content-type"), keyId, idemKey, claimedAt)
    .run();
  return response;
}
