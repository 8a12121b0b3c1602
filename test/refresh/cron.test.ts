import { createExecutionContext, createScheduledController, env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../functions/refresh/index";
import type { RefreshEnv } from "../../functions/refresh/settings";
import { runRefresh } from "../../functions/refresh/runRefresh";
import { accounts } from "../../shared/storage/accountsStore";
import { kickConfigFromEnv, refreshToken, revokeToken } from "../../shared/kick/index";
import { NeedsReconnectError } from "../../shared/refresh/errors";
import { getTokenRecord } from "../../shared/refresh/getAccessToken";
import { InvocationBudget } from "../../shared/refresh/invocationBudget";
import { readAuthoritativeTokenRecord, readTokenRecord } from "../../shared/storage/tokenStore";
import { kickControl } from "../helpers/browser";
import { connectedAccount, grantsByUser } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";

const E = env as unknown as RefreshEnv;
/** The same Worker with no queue bound: the small-deployment setup. */
const NO_QUEUE: RefreshEnv = { ...E, REFRESH_QUEUE: undefined };
const kick = () => kickConfigFromEnv(E);
const MIN = 60_000;

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
});

async function cron(target: RefreshEnv = NO_QUEUE) {
  await worker.scheduled(
    createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }),
    target,
    createExecutionContext(),
  );
}

describe("the cron", () => {
  it("refreshes accounts due within the window and leaves fresh ones alone", async () => {
    const due = await connectedAccount(E, 1001, 10 * MIN);
    const fresh = await connectedAccount(E, 1002, 110 * MIN);
    const summary = await runRefresh(NO_QUEUE);
    expect(summary).toMatchObject({ due: 1, refreshed: 1, marked_dead: 0, failed_transient: 0, carried_over: 0 });
    const after = (await readTokenRecord(E, 1001))!;
    expect(after.version).toBe(due.version + 1);
    expect(after.accessToken).not.toBe(due.accessToken);
    expect(after.expiresAt).toBeGreaterThan(Date.now() + 110 * MIN);
    expect(await readTokenRecord(E, 1002)).toEqual(fresh);
    expect([...(await grantsByUser())]).toEqual([[1001, [200]]]);
    expect((await accounts.get(E.DB, 1001))!.lastRefreshAt).toBeGreaterThan(0);
    // The new refresh token is the live one at Kick: nothing was lost.
    await expect(refreshToken(kick(), after.refreshToken)).resolves.toMatchObject({ token_type: "Bearer" });
  });

  it("runs as the Worker's scheduled handler", async () => {
    await connectedAccount(E, 1001, -MIN);
    await cron();
    expect((await grantsByUser()).get(1001)).toEqual([200]);
  });

  it("stays inside the Free plan's per-invocation limits", async () => {
    for (const id of [1001, 1002, 2001, 2002, 2003, 2004, 3001]) await connectedAccount(E, id, MIN);
    const summary = await runRefresh(NO_QUEUE);
    expect(summary.refreshed).toBe(7);
    expect(summary.used.d1Queries).toBeLessThanOrEqual(50);
    expect(summary.used.subrequests).toBeLessThanOrEqual(50);
    expect(summary.used.kvOps).toBeLessThanOrEqual(1000);
    expect(summary.used).toMatchObject({ subrequests: 7, kvOps: 7 });
  });

  it("without a queue, does what one invocation allows and carries the rest, most urgent first", async () => {
    const ids = [1001, 1002, 2001, 2002, 2003];
    for (const [i, id] of ids.entries()) await connectedAccount(E, id, (i + 1) * MIN);
    const small = () => new InvocationBudget({ subrequests: 2 * 2, kvOps: 1000, d1Queries: 50 });
    expect(await runRefresh(NO_QUEUE, small())).toMatchObject({ due: 5, refreshed: 2, carried_over: 3 });
    expect([...(await grantsByUser()).keys()].sort()).toEqual([1001, 1002]);
    expect(await runRefresh(NO_QUEUE, small())).toMatchObject({ due: 3, refreshed: 2, carried_over: 1 });
    expect(await runRefresh(NO_QUEUE, small())).toMatchObject({ due: 1, refreshed: 1, carried_over: 0 });
    expect([...(await grantsByUser()).values()]).toEqual(ids.map(() => [200]));
  });
});

describe("one refresh per account, whoever asks", () => {
  it("two cron runs at once and 50 trigger-path reads during the refresh: one refresh call per account, no token lost", async () => {
    const ids = [1001, 1002, 2001, 2002];
    const first = new Map<number, number>();
    for (const id of ids) first.set(id, (await connectedAccount(E, id, -MIN)).version);
    // Slow Kick down so the readers arrive while the refreshes are in flight.
    await kickControl("POST", "/faults", { method: "POST", path: "/oauth/token", delay_ms: 300, times: 20 });
    const reads = Array.from({ length: 50 }, (_, i) => getTokenRecord(E, ids[i % ids.length]!, kick()));
    const [runA, runB, ...records] = await Promise.all([runRefresh(NO_QUEUE), runRefresh(NO_QUEUE), ...reads]);
    expect(runA!.refreshed + runB!.refreshed).toBeLessThanOrEqual(4);

    const grants = await grantsByUser();
    expect(ids.map((id) => grants.get(id))).toEqual(ids.map(() => [200]));
    for (const id of ids) {
      const stored = (await readAuthoritativeTokenRecord(E, id))!;
      expect(stored.version).toBe(first.get(id)! + 1);
      for (const r of records.filter((r) => r.accountId === id)) expect(r.accessToken).toBe(stored.accessToken);
      const live = await kickControl<{ refresh_tokens: string[] }>("GET", `/tokens?user_id=${id}`);
      expect(live.refresh_tokens).toContain(stored.refreshToken);
    }
  });

  it("a stale KV copy is noticed by its version and replaced by D1's record, with no second refresh", async () => {
    const original = await connectedAccount(E, 1001, -MIN);
    const staleCopy = await E.TOKENS.get("token:1001");
    await runRefresh(NO_QUEUE);
    // Another location's KV still serves the old (expired) record for up to a minute.
    await E.TOKENS.put("token:1001", staleCopy!);
    const record = await getTokenRecord(E, 1001, kick());
    expect(record.version).toBe(original.version + 1);
    expect(record.accessToken).toBe((await readAuthoritativeTokenRecord(E, 1001))!.accessToken);
    expect((await grantsByUser()).get(1001)).toEqual([200]);
  });
});

describe("failures", () => {
  it("invalid_grant marks the account for re-connect and stops refreshing it", async () => {
    const record = await connectedAccount(E, 1001, MIN);
    await revokeToken(kick(), record.refreshToken, "refresh_token");
    expect(await runRefresh(NO_QUEUE)).toMatchObject({ marked_dead: 1, refreshed: 0 });
    expect(await accounts.get(E.DB, 1001)).toMatchObject({
      needsReconnect: true,
      reconnectReason: expect.stringContaining("invalid_grant"),
    });
    expect(await runRefresh(NO_QUEUE)).toMatchObject({ due: 0 });
    await expect(getTokenRecord(E, 1001, kick(), Date.now() + 2 * MIN)).rejects.toBeInstanceOf(NeedsReconnectError);
    expect((await grantsByUser()).get(1001)).toEqual([400]);
  });

  it.each([
    ["429 with Retry-After", { status: 429, retry_after: "900" }, 900_000],
    ["503", { status: 503 }, MIN],
    ["an HTML challenge", { status: 403, html: true }, MIN],
  ])("%s leaves the account healthy, backing off until the next run", async (_, fault, minimumWait) => {
    const original = await connectedAccount(E, 1001, MIN);
    await kickControl("POST", "/faults", { method: "POST", path: "/oauth/token", ...fault });
    const before = Date.now();
    expect(await runRefresh(NO_QUEUE)).toMatchObject({ failed_transient: 1, marked_dead: 0 });
    expect(await accounts.get(E.DB, 1001)).toMatchObject({ needsReconnect: false });
    const row = await E.DB.prepare(
      "SELECT failures, next_attempt_at FROM token_records WHERE account_id = 1001",
    ).first<{ failures: number; next_attempt_at: number }>();
    expect(row!.failures).toBe(1);
    expect(row!.next_attempt_at).toBeGreaterThanOrEqual(before + minimumWait);
    // Not hammered while backing off...
    expect(await runRefresh(NO_QUEUE)).toMatchObject({ due: 0 });
    // ...and refreshed once the wait is over.
    await E.DB.prepare("UPDATE token_records SET next_attempt_at = 0").run();
    expect(await runRefresh(NO_QUEUE)).toMatchObject({ refreshed: 1 });
    expect((await readTokenRecord(E, 1001))!.version).toBe(original.version + 1);
  });

  it("a refresh whose answer was lost after Kick rotated is reported as needing re-connect, not retried forever", async () => {
    await connectedAccount(E, 1001, MIN);
    await kickControl("POST", "/faults", { method: "POST", path: "/oauth/token", drop: "after" });
    expect(await runRefresh(NO_QUEUE)).toMatchObject({ marked_dead: 1 });
    expect(await accounts.get(E.DB, 1001)).toMatchObject({
      needsReconnect: true,
      reconnectReason: expect.stringContaining("lost"),
    });
    // One call whose answer was lost (Kick rotated), one retry Kick refused; then nothing more.
    expect((await grantsByUser()).get(1001)).toEqual([200, 400]);
    await runRefresh(NO_QUEUE);
    expect((await grantsByUser()).get(1001)).toHaveLength(2);
  });

  it("with Kick's reuse grace, the retry after a lost answer succeeds", async () => {
    await kickControl("PATCH", "/settings", { refresh_grace: 30 });
    await connectedAccount(E, 1001, MIN);
    await kickControl("POST", "/faults", { method: "POST", path: "/oauth/token", drop: "after" });
    expect(await runRefresh(NO_QUEUE)).toMatchObject({ refreshed: 1 });
    const stored = (await readTokenRecord(E, 1001))!;
    await expect(refreshToken(kick(), stored.refreshToken)).resolves.toMatchObject({ token_type: "Bearer" });
  });
});

describe("review findings", () => {
  it("a refresher whose lease lapsed does not mark a healthy account dead when Kick refuses the spent token", async () => {
    await connectedAccount(E, 1001, -MIN);
    // The slow refresher's Kick call is held back; its lease (taken 31 s "ago") has already lapsed.
    await kickControl("POST", "/faults", { method: "POST", path: "/oauth/token", delay_ms: 400 });
    const { refreshAccount } = await import("../../shared/refresh/refreshAccount");
    const slow = refreshAccount(E, {
      accountId: 1001,
      owner: "slow-cron",
      config: kick(),
      now: Date.now() - 31_000,
      mode: { kind: "cron", dueBefore: Date.now() },
    });
    await new Promise((r) => setTimeout(r, 50));
    const fresh = await getTokenRecord(E, 1001, kick());
    expect(await slow).toMatchObject({ kind: "not_due" });
    expect(await accounts.get(E.DB, 1001)).toMatchObject({ needsReconnect: false });
    expect((await readAuthoritativeTokenRecord(E, 1001))!.accessToken).toBe(fresh.accessToken);
    expect((await grantsByUser()).get(1001)!.sort()).toEqual([200, 400]);
  });

  it("a reconnect's version is above any earlier one, even after a disconnect", async () => {
    const first = await connectedAccount(E, 1001, MIN);
    await runRefresh(NO_QUEUE);
    const { deleteTokenRecord } = await import("../../shared/storage/tokenStore");
    await deleteTokenRecord(E, 1001);
    const again = await connectedAccount(E, 1001, 90 * MIN);
    expect(again.version).toBeGreaterThan(first.version + 1);
  });
});
