import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { RefreshEnv } from "../../functions/refresh/settings";
import { accountsPerInvocation, runCost } from "../../functions/refresh/refreshMany";
import { consumeRefreshBatch, runRefresh } from "../../functions/refresh/runRefresh";
import { kickConfigFromEnv, revokeToken } from "../../shared/kick/index";
import { FREE_PLAN_LIMITS, InvocationBudget } from "../../shared/refresh/invocationBudget";
import { accounts } from "../../shared/storage/accountsStore";
import { readAuthoritativeTokenRecord, sealTokenRecord } from "../../shared/storage/tokenStore";
import { kickControl } from "../helpers/browser";
import { connectedAccount, grantsByUser } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";

const E = env as unknown as RefreshEnv;
const NO_QUEUE: RefreshEnv = { ...E, REFRESH_QUEUE: undefined };
const kick = () => kickConfigFromEnv(E);
const MIN = 60_000;

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
});

const row = (id: number) =>
  E.DB.prepare(
    "SELECT version, sealed, lease_owner, failures, next_attempt_at, uncertain FROM token_records WHERE account_id = ?",
  )
    .bind(id)
    .first<{
      version: number;
      sealed: string;
      lease_owner: string | null;
      failures: number;
      next_attempt_at: number | null;
      uncertain: number;
    }>();

/** The D1 binding with every `batch` after the first `ok` failing, as D1 does when it is down. */
function failingBatches(db: D1Database, ok: number): D1Database {
  let left = ok;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "batch")
        return (statements: D1PreparedStatement[]) =>
          left-- > 0 ? target.batch(statements) : Promise.reject(new Error("D1_ERROR: injected"));
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("the cron's batches", () => {
  it("an invocation on the Free plan takes 24 accounts, its worst case inside the D1 limit", () => {
    const overhead = { subrequests: 0, kvOps: 0, d1Queries: 2 };
    expect(accountsPerInvocation(FREE_PLAN_LIMITS, overhead)).toBe(24);
    expect(2 + runCost(24).d1Queries).toBeLessThanOrEqual(FREE_PLAN_LIMITS.d1Queries);
    expect(runCost(24).subrequests).toBeLessThanOrEqual(FREE_PLAN_LIMITS.subrequests);
  });

  it("seven due accounts, two batches: D1 statements per batch, not per account", async () => {
    const ids = [1001, 1002, 2001, 2002, 2003, 2004, 3001];
    for (const id of ids) await connectedAccount(E, id, MIN);
    const summary = await runRefresh(NO_QUEUE, new InvocationBudget());
    expect(summary).toMatchObject({ due: 7, refreshed: 7 });
    // Counting and selecting the due; claim (with why not) the first six; settle those (the
    // account copy, the records) and claim the seventh; settle it; the activity rows.
    expect(summary.used).toEqual({ subrequests: 7, kvOps: 7, d1Queries: 2 + 2 + 4 + 2 + 1 });
    expect([...(await grantsByUser()).values()]).toEqual(ids.map(() => [200]));
    for (const id of ids) {
      const stored = (await readAuthoritativeTokenRecord(E, id))!;
      expect(await E.TOKENS.get(`token:${id}`)).toBe((await row(id))!.sealed);
      expect((await accounts.get(E.DB, id))!.tokenExpiresAt).toBe(stored.expiresAt);
    }
  });

  it("every kind of outcome in one batch, each written under its own fence", async () => {
    for (const id of [1001, 1002, 2001, 2002, 2003, 2004]) await connectedAccount(E, id, MIN);
    const revoked = (await readAuthoritativeTokenRecord(E, 1002))!;
    await revokeToken(kick(), revoked.refreshToken, "refresh_token");
    const later = Date.now() + 10 * MIN;
    await E.DB.prepare("UPDATE token_records SET lease_owner = 'someone', lease_until = ? WHERE account_id = 2001")
      .bind(later)
      .run();
    await E.DB.prepare("UPDATE token_records SET failures = 2, next_attempt_at = ? WHERE account_id = 2002")
      .bind(later)
      .run();
    await E.DB.prepare("UPDATE accounts SET needs_reconnect = 1, reconnect_reason = 'earlier' WHERE id = 2003").run();
    const before = new Map<number, number>();
    for (const id of [1001, 2004]) before.set(id, (await row(id))!.version);

    // Seven ids, so two batches: 2004 is claimed in the round that settles the first six.
    const summary = await consumeRefreshBatch(E, [1001, 1002, 2001, 2002, 2003, 9999, 2004]);
    expect(summary).toMatchObject({
      due: 7,
      refreshed: 2,
      marked_dead: 2,
      skipped_leased: 1,
      not_due: 1,
      failed_transient: 0,
    });
    for (const id of [1001, 2004])
      expect(await row(id)).toMatchObject({ version: before.get(id)! + 1, lease_owner: null });
    expect(await accounts.get(E.DB, 1002)).toMatchObject({
      needsReconnect: true,
      reconnectReason: expect.stringContaining("invalid_grant"),
    });
    expect(await row(1002)).toMatchObject({ version: revoked.version, lease_owner: null });
    expect(await row(2001)).toMatchObject({ lease_owner: "someone" });
    expect(await row(2002)).toMatchObject({ failures: 2, next_attempt_at: later, lease_owner: null });
    expect(await accounts.get(E.DB, 2003)).toMatchObject({ reconnectReason: "earlier" });
    const grants = await grantsByUser();
    expect([...grants.entries()].sort()).toEqual([
      [1001, [200]],
      [1002, [400]],
      [2004, [200]],
    ]);
  });

  it("a transient failure is written beside the others' new records", async () => {
    const ids = [1001, 1002, 2001];
    for (const id of ids) await connectedAccount(E, id, MIN);
    const before = Date.now();
    await kickControl("POST", "/faults", { method: "POST", path: "/oauth/token", status: 503 });
    expect(await consumeRefreshBatch(E, ids)).toMatchObject({ refreshed: 2, failed_transient: 1 });
    const rows = await Promise.all(ids.map(row));
    const failed = rows.filter((r) => r!.failures === 1);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.next_attempt_at).toBeGreaterThanOrEqual(before + MIN);
    expect(failed[0]!.version).toBeLessThan(Math.max(...rows.map((r) => r!.version)));
    expect(rows.every((r) => r!.lease_owner === null)).toBe(true);
  });

  it("a write fenced out by a newer version loses, and the newer record stays, in D1 and KV", async () => {
    const original = await connectedAccount(E, 1001, MIN);
    const cached = await E.TOKENS.get("token:1001");
    await kickControl("POST", "/faults", { method: "POST", path: "/oauth/token", delay_ms: 300 });
    const run = consumeRefreshBatch(E, [1001]);
    await new Promise((r) => setTimeout(r, 100));
    // Another holder wrote meanwhile (as if this lease had lapsed).
    const theirs = await sealTokenRecord(E, { ...original, accessToken: "theirs", version: original.version + 1 });
    await E.DB.prepare("UPDATE token_records SET version = version + 1, sealed = ? WHERE account_id = 1001")
      .bind(theirs)
      .run();
    expect(await run).toMatchObject({ refreshed: 0, not_due: 1 });
    expect(await row(1001)).toMatchObject({ version: original.version + 1, sealed: theirs });
    expect(await E.TOKENS.get("token:1001")).toBe(cached);
  });

  it("a Kick call that could not start soon after its lease is not made: the account is released for the next run", async () => {
    const ids = [1001, 1002, 2001, 2002, 2003, 2004, 3001];
    for (const id of ids) await connectedAccount(E, id, MIN);
    // The round that claims the seventh answers; then the clock jumps past the start window,
    // as if the call had waited behind slow connections.
    const real = Date.now.bind(Date);
    let offset = 0;
    vi.spyOn(Date, "now").mockImplementation(() => real() + offset);
    let batches = 0;
    const slow = new Proxy(E.DB, {
      get(target, prop) {
        if (prop === "batch")
          return async (statements: D1PreparedStatement[]) => {
            const results = await target.batch(statements);
            if (++batches === 2) offset = 9_000;
            return results;
          };
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    try {
      const summary = await consumeRefreshBatch({ ...E, DB: slow }, ids);
      expect(summary).toMatchObject({ refreshed: 6, carried_over: 1 });
    } finally {
      vi.restoreAllMocks();
    }
    expect((await grantsByUser()).get(3001)).toBeUndefined();
    expect(await row(3001)).toMatchObject({ lease_owner: null, failures: 0, next_attempt_at: null });
  });

  it.each([
    ["without a reuse grace, the next run marks it for re-connect as a lost answer", 0],
    ["with Kick's reuse grace, the next run refreshes it", 30],
  ])("D1 failing at the write: the new records are marked uncertain, and %s", async (_, grace) => {
    await kickControl("PATCH", "/settings", { refresh_grace: grace });
    const original = await connectedAccount(E, 1001, MIN);
    const down = { ...E, DB: failingBatches(E.DB, 1) };
    expect(await consumeRefreshBatch(down, [1001])).toMatchObject({ refreshed: 0, failed_transient: 1 });
    // Kick rotated; D1 kept the old record, flagged, with the lease given back.
    expect((await grantsByUser()).get(1001)).toEqual([200]);
    expect(await row(1001)).toMatchObject({ version: original.version, uncertain: 1, lease_owner: null });

    const next = await consumeRefreshBatch(E, [1001]);
    if (grace) {
      expect(next).toMatchObject({ refreshed: 1 });
      expect(await row(1001)).toMatchObject({ version: original.version + 1, uncertain: 0 });
    } else {
      expect(next).toMatchObject({ marked_dead: 1 });
      expect(await accounts.get(E.DB, 1001)).toMatchObject({
        needsReconnect: true,
        reconnectReason: expect.stringContaining("lost"),
      });
    }
  });
});
