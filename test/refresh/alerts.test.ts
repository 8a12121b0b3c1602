import { createExecutionContext, createScheduledController, env } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../functions/refresh/index";
import type { RefreshEnv } from "../../functions/refresh/settings";
import { accounts } from "../../shared/storage/accountsStore";
import { ALERT_RETENTION, alertStatement, recentAlerts } from "../../shared/storage/alertsStore";
import { resetWorkerState } from "../helpers/resetWorkerState";

const E = env as unknown as RefreshEnv;
const MIN = 60_000;

beforeEach(() => resetWorkerState(E));

describe("the hourly housekeeping keeps the alerts table bounded", () => {
  it("deletes alerts past a day and each account's past its newest 50, and nothing else", async () => {
    const now = Date.now();
    for (const id of [1001, 1002])
      await accounts.connect(E.DB, { id, username: `u${id}`, role: "broadcaster", scopes: [], tokenExpiresAt: 0, now });
    const follow = (accountId: number, at: number) =>
      alertStatement(
        E.DB,
        accountId,
        { type: "channel.followed", username: "v", amount: null, reward: null, message: null },
        at,
      );
    const busy = ALERT_RETENTION.perAccount + 20;
    await E.DB.batch([
      // A quiet channel: two past the age (written first: the oldest ids), three recent.
      follow(1002, now - ALERT_RETENTION.maxAgeMs - MIN),
      follow(1002, now - 7 * ALERT_RETENTION.maxAgeMs),
      ...[3, 2, 1].map((m) => follow(1002, now - m * MIN)),
      // A follow storm: more than a channel keeps, all within the minute.
      ...Array.from({ length: busy }, (_, i) => follow(1001, now - MIN + i)),
    ]);
    const log = vi.spyOn(console, "log");

    await worker.scheduled(
      createScheduledController({ cron: "17 * * * *", scheduledTime: now }),
      E,
      createExecutionContext(),
    );

    const summary = log.mock.calls.map(([l]) => String(l)).find((l) => l.includes('"housekeeping"'));
    log.mockRestore();
    expect(JSON.parse(summary!)).toMatchObject({ alerts_forgotten: 2 + 20 });
    const storm = await recentAlerts(E.DB, 1001, 1000);
    expect(storm).toHaveLength(ALERT_RETENTION.perAccount);
    // The newest stay.
    expect(storm[0]!.at).toBe(now - MIN + busy - 1);
    expect(storm.at(-1)!.at).toBe(now - MIN + busy - ALERT_RETENTION.perAccount);
    expect((await recentAlerts(E.DB, 1002, 100)).map((a) => a.at)).toEqual([1, 2, 3].map((m) => now - m * MIN));
  });
});
