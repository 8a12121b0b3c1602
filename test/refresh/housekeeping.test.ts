import { createExecutionContext, createScheduledController, env } from "cloudflare:test";
import { beforeEach, expect, it } from "vitest";
import refresh from "../../functions/refresh/index";
import { accounts } from "../../shared/storage/accountsStore";
import { resetWorkerState } from "../helpers/resetWorkerState";

const E = env as unknown as Cloudflare.RefreshEnv;
const HOUR = 3_600_000;

beforeEach(async () => {
  await resetWorkerState(E);
  await accounts.connect(E.DB, {
    id: 1001,
    username: "demo_streamer",
    role: "broadcaster",
    scopes: ["kicks:read"],
    tokenExpiresAt: Date.now(),
    now: Date.now(),
  });
});

const snapshots = async () =>
  (await E.DB.prepare("SELECT COUNT(*) AS n FROM kicks_snapshots").first<{ n: number }>())!.n;

it("the hourly housekeeping run thins KICKs history; the refresh run does not", async () => {
  const now = Math.floor(Date.now() / HOUR) * HOUR;
  const old = now - 30 * 24 * HOUR;
  // Three rankings in one old hour: retention keeps the first of the hour (and the newest ranking).
  for (const [i, t] of [old, old + 60_000, old + 120_000, now].entries()) {
    await E.DB.prepare(
      "INSERT INTO kicks_snapshots (account_id, period, taken_at, last_seen_at, digest) VALUES (1001, 'week', ?, ?, ?)",
    )
      .bind(t, t, `d${i}`)
      .run();
  }
  await refresh.scheduled(
    createScheduledController({ cron: "*/5 * * * *", scheduledTime: now }),
    E,
    createExecutionContext(),
  );
  expect(await snapshots()).toBe(4);
  await refresh.scheduled(
    createScheduledController({ cron: "17 * * * *", scheduledTime: now + 17 * 60_000 }),
    E,
    createExecutionContext(),
  );
  expect(await snapshots()).toBe(2);
});

it("a mistyped retention setting fails housekeeping by name, and never stops token refresh", async () => {
  const mistyped = { ...E, KICKS_KEEP_ALL_DAYS: "a week" };
  const run = (cron: string) =>
    refresh.scheduled(
      createScheduledController({ cron, scheduledTime: Date.now() }),
      mistyped,
      createExecutionContext(),
    );
  await expect(run("17 * * * *")).rejects.toThrow(/KICKS_KEEP_ALL_DAYS must be a whole number from 1 to 3650/);
  await expect(run("*/5 * * * *")).resolves.toBeUndefined();
});
