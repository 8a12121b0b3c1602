/** Replays are answered from here for 24 h (Zapier's autoreplay spans ~10.5 h). */
const TTL_MS = 24 * 3600_000;
/** Failures that certainly did nothing: a retry should run again, not replay the failure. */
const NOT_STORED = new Set([429, 502, 503]);

export type Claim = { kind: "new" } | { kind: "replay"; response: Response } | { kind: "in_progress" };

/** The caller's idempotency key: `Idempotency-Key` header or `idem` parameter. */
export function idempotencyKeyOf(request: Request): string | null {
  const value = request.headers.get("idempotency-key") ?? new URL(request.url).searchParams.get("idem");
  return value && value.trim() ? value.trim().slice(0, 200) : null;
}

/** Claims `idemKey` for this key (a unique row decides, so two racing calls cannot both run). */
export async function claim(db: D1Database, keyId: string, idemKey: string, now: number): Promise<Claim> {
  const inserted = await db
    .prepare("INSERT INTO idempotency (key_id, idem_key, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
    .bind(keyId, idemKey, now)
    .run();
  if (inserted.meta.changes === 1) return { kind: "new" };
  const reclaimed = await db
    .prepare(
      "UPDATE idempotency SET status = NULL, body = NULL, content_type = NULL, created_at = ?3 WHERE key_id = ?1 AND idem_key = ?2 AND created_at < ?4",
    )
    .bind(keyId, idemKey, now, now - TTL_MS)
    .run();
  if (reclaimed.meta.changes === 1) return { kind: "new" };
  const row = await db
    .prepare("SELECT status, body, content_type FROM idempotency WHERE key_id = ? AND idem_key = ?")
    .bind(keyId, idemKey)
    .first<{ status: number | null; body: string | null; content_type: string | null }>();
  if (!row || row.status === null) return { kind: "in_progress" };
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

/** Keeps the first answer for replays; or lets go of the claim when nothing was done. */
export async function settle(db: D1Database, keyId: string, idemKey: string, response: Response): Promise<Response> {
  if (NOT_STORED.has(response.status)) {
    await db.prepare("DELETE FROM idempotency WHERE key_id = ? AND idem_key = ?").bind(keyId, idemKey).run();
    return response;
  }
  // A secret shown once (a relay's signing secret) is never kept: a replay says so instead.
  const body = (await response.clone().text()).replace(/"secret":"[^"]*"/g, '"secret":"(shown once, not replayed)"');
  await db
    .prepare("UPDATE idempotency SET status = ?, body = ?, content_type = ? WHERE key_id = ? AND idem_key = ?")
    .bind(response.status, body, response.headers.get("content-type"), keyId, idemKey)
    .run();
  return response;
}
