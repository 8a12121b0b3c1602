import { createExecutionContext, createScheduledController, env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../functions/refresh/index";
import type { RefreshEnv } from "../../functions/refresh/settings";
import { runRefresh } from "../../functions/refresh/runRefresh";
import { kickConfigFromEnv, revokeToken } from "../../shared/kick/index";
import { NeedsReconnectError } from "../../shared/refresh/errors";
import { getTokenRecord } from "../../shared/refresh/getAccessToken";
import { accounts } from "../../shared/storage/accountsStore";
import {
  activityOf,
  ACTIVITY_RETENTION,
  recordRefreshes,
  type RefreshActivity,
} from "../../shared/storage/activityStore";
import { readAuthoritativeTokenRecord } from "../../shared/storage/tokenStore";
import { kickControl } from "../helpers/browser";
import { connectedAccount } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";

const E = env as unknown as RefreshEnv;
const NO_QUEUE: RefreshEnv = { ...E, REFRESH_QUEUE: undefined };
const kick = () => kickConfigFromEnv(E);
const MIN = 60_000;
const DAY = 1440 * MIN;

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
});

const refreshes = async (accountId: number) =>
  (await activityOf(E.DB, accountId, "refresh", 1000)).map((r) => [r.what, r.outcome]);

describe("refreshes on the activity page", () => {
  it("a scheduled run records what reached Kick: refreshed, failed, needs a re-connect; never a token", async () => {
    await connectedAccount(E, 1001, MIN);
    expect(await runRefresh(NO_QUEUE)).toMatchObject({ refreshed: 1 });
    expect(await refreshes(1001)).toEqual([["scheduled", "ok"]]);

    await connectedAccount(E, 1002, MIN);
    await kickControl("POST", "/faults", { method: "POST", path: "/oauth/token", status: 503 });
    expect(await runRefresh(NO_QUEUE)).toMatchObject({ failed_transient: 1 });
    expect(await refreshes(1002)).toEqual([["scheduled", "upstream_error"]]);

    const revoked = await connectedAccount(E, 2001, MIN);
    await revokeToken(kick(), revoked.refreshToken, "refresh_token");
    expect(await runRefresh(NO_QUEUE)).toMatchObject({ marked_dead: 1 });
    const [dead] = await activityOf(E.DB, 2001, null, 10);
    expect(dead).toMatchObject({
      kind: "refresh",
      outcome: "needs_reconnect",
      detail: expect.stringContaining("invalid_grant"),
    });

    // Asked again while it waits for a re-connect: nothing reached Kick, so nothing new is shown.
    await expect(getTokenRecord(E, 2001, kick(), Date.now() + 2 * MIN)).rejects.toBeInstanceOf(NeedsReconnectError);
    expect(await refreshes(2001)).toHaveLength(1);

    const stored = JSON.stringify((await E.DB.prepare("SELECT * FROM activity").all()).results);
    for (const id of [1001, 1002, 2001]) {
      const record = (await readAuthoritativeTokenRecord(E, id))!;
      expect(stored).not.toContain(record.accessToken);
      expect(stored).not.toContain(record.refreshToken);
    }
  });

  it("a refresh another Worker asked for is recorded as on demand", async () => {
    await connectedAccount(E, 1001, -MIN);
    await getTokenRecord(E, 1001, kick());
    expect(await refreshes(1001)).toEqual([["on_demand", "ok"]]);
  });
});

describe("the hourly housekeeping keeps the activity table bounded", () => {
  it("deletes rows past the age and each account's rows past its newest, and nothing else", async () => {
    const now = Date.now();
    for (const id of [1001, 1002])
      await accounts.connect(E.DB, { id, username: `u${id}`, role: "broadcaster", scopes: [], tokenExpiresAt: 0, now });
    const row = (accountId: number, at: number): RefreshActivity => ({
      account_id: accountId,
      at,
      what: "scheduled",
      outcome: "ok",
      detail: null,
    });
    const busy = ACTIVITY_RETENTION.perAccount + 120;
    await recordRefreshes(E.DB, [
      // A busy channel: more than it may keep, all recent.
      ...Array.from({ length: busy }, (_, i) => row(1001, now - i * MIN)),
      // A quiet one: a few recent rows and two past the age.
      ...[1, 2, 3].map((h) => row(1002, now - h * 3_600_000)),
      row(1002, now - ACTIVITY_RETENTION.maxAgeMs - MIN),
      row(1002, now - 30 * DAY),
    ]);

    await worker.scheduled(
      createScheduledController({ cron: "17 * * * *", scheduledTime: now }),
      E,
      createExecutionContext(),
    );

    const kept = await activityOf(E.DB, 1001, null, 10_000);
    expect(kept).toHaveLength(ACTIVITY_RETENTION.perAccount);
    // The newest stay: the oldest kept is the 500th newest.
    expect(kept.at(-1)!.at).toBe(now - (ACTIVITY_RETENTION.perAccount - 1) * MIN);
    expect((await activityOf(E.DB, 1002, null, 100)).map((r) => r.at)).toEqual(
      [1, 2, 3].map((h) => now - h * 3_600_000),
    );
  });
});
