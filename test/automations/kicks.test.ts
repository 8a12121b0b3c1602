import type { AutomationsEnv } from "../../functions/automations/settings";
import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { runAutomationsCron } from "../../functions/automations/runCron";
import { kickConfigFromEnv } from "../../shared/kick/index";
import { createKickClient } from "../../shared/kick/endpoints";
import { accountTokenSource } from "../../shared/refresh/getAccessToken";
import { takeSnapshot } from "../../shared/leaderboard/takeSnapshot";
import { kickControl } from "../helpers/browser";
import { call, setUp } from "../helpers/automationsSetup";

const E = env as unknown as AutomationsEnv;
const MIN = 60_000;
let key: string;
beforeEach(async () => {
  // A chat-bot command's key: sent in the URL.
  key = await setUp(E, ["kicks"], { allowUrl: true });
});

const gift = (user_id: number, amount: number) =>
  kickControl("POST", "/kicks", { broadcaster_user_id: 1001, user_id, amount });
const count = async (table: string) =>
  (await E.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())!.n;

describe("KICKs snapshots", () => {
  it("are taken by the trigger endpoint, stored only when a ranking changes", async () => {
    const first = await call("POST", "/v1/kicks/snapshot", key);
    expect(first.json.data.changed.sort()).toEqual(["lifetime", "month", "week"]);
    const again = await call("POST", "/v1/kicks/snapshot", key);
    expect(again.json.data).toMatchObject({ changed: [], unchanged: ["week", "month", "lifetime"] });
    expect(await count("kicks_snapshots")).toBe(3);
    await gift(2004, 1000);
    const third = await call("POST", "/v1/kicks/snapshot", key);
    expect(third.json.data.changed.sort()).toEqual(["lifetime", "month", "week"]);
    expect(await count("kicks_snapshots")).toBe(6);
  });

  it("leave no partial rows when the batch fails", async () => {
    const failing = new Proxy(E.DB, {
      get(target, prop) {
        if (prop === "batch")
          return (statements: D1PreparedStatement[]) =>
            target.batch([...statements, target.prepare("INSERT INTO no_such_table VALUES (1)")]);
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const config = kickConfigFromEnv(E);
    const kick = createKickClient(config, accountTokenSource(E, 1001, config));
    await expect(takeSnapshot(failing, kick, 1001, Date.now())).rejects.toThrow();
    expect(await count("kicks_snapshots")).toBe(0);
    expect(await count("kicks_changes")).toBe(0);
    expect(await count("kicks_current")).toBe(0);
  });

  it("are taken by the cron, more often while live", async () => {
    const t0 = Date.now();
    expect(await runAutomationsCron(E, t0)).toMatchObject({ snapshots: 1 });
    expect(await runAutomationsCron(E, t0 + 30 * MIN)).toMatchObject({ snapshots: 0 });
    expect(await runAutomationsCron(E, t0 + 61 * MIN)).toMatchObject({ snapshots: 1 });
    await kickControl("PATCH", "/channels/1001", { is_live: true });
    expect(await runAutomationsCron(E, t0 + 64 * MIN)).toMatchObject({ snapshots: 0 });
    expect(await runAutomationsCron(E, t0 + 66 * MIN)).toMatchObject({ snapshots: 1 });
  });
});

describe("KICKs queries", () => {
  it("latest leaderboard, as JSON, text and CSV", async () => {
    const board = await call("GET", "/v1/kicks/leaderboard?top=2", key);
    expect(board.json.data.entries).toEqual([
      { rank: 1, user_id: 2001, username: "viewer_alice", amount: 550 },
      { rank: 2, user_id: 2002, username: "viewer_bob", amount: 300 },
    ]);
    expect((await call("GET", `/v1/kicks/leaderboard?top=2&format=text&key=${key}`, null)).text).toBe(
      "1. viewer_alice 550 | 2. viewer_bob 300",
    );
    const csv = await call("GET", `/v1/kicks/leaderboard?top=2&format=csv&key=${key}`, null);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.text).toBe("rank,user_id,username,amount\r\n1,2001,viewer_alice,550\r\n2,2002,viewer_bob,300\r\n");
  });

  it("a gifter's history, the top N at a time, and the gain between two times", async () => {
    const t = (await call("POST", "/v1/kicks/snapshot", key)).json.data.taken_at as string;
    await new Promise((r) => setTimeout(r, 5));
    await gift(2004, 1000);
    await gift(2002, 100);
    const later = (await call("POST", "/v1/kicks/snapshot", key)).json.data.taken_at as string;

    const history = (await call("GET", "/v1/kicks/history?user=viewer_bob", key)).json.data;
    expect(history.map((h: { rank: number; amount: number }) => [h.rank, h.amount])).toEqual([
      [2, 300],
      [3, 400],
    ]);
    expect((await call("GET", `/v1/kicks/top?at=${encodeURIComponent(t)}&top=1`, key)).json.data.entries).toEqual([
      { rank: 1, user_id: 2001, username: "viewer_alice", amount: 550 },
    ]);
    expect(
      (await call("GET", `/v1/kicks/top?at=${encodeURIComponent(later)}&top=1`, key)).json.data.entries[0].username,
    ).toBe("viewer_dave");
    const gain = (await call("GET", `/v1/kicks/gain?since=${encodeURIComponent(t)}`, key)).json.data.gifters;
    expect(gain).toEqual([
      { user_id: 2004, username: "viewer_dave", gained: 1000 },
      { user_id: 2002, username: "viewer_bob", gained: 100 },
    ]);
    expect((await call("GET", "/v1/kicks/top?at=1999-01-01T00:00:00Z", key)).json.error.code).toBe("no_snapshot");
  });

  it('"this stream" counts from the current stream start; offline it says so', async () => {
    expect((await call("GET", "/v1/kicks/gain?since=stream", key)).json.error.code).toBe("not_live");
    await kickControl("PATCH", "/channels/1001", { is_live: true });
    await call("POST", "/v1/kicks/snapshot", key);
    await gift(2003, 250);
    await call("POST", "/v1/kicks/snapshot", key);
    expect((await call("GET", "/v1/kicks/gain?since=stream", key)).json.data.gifters).toEqual([
      { user_id: 2003, username: "viewer_carol", gained: 250 },
    ]);
  });

  it("refuses bad times and periods by field", async () => {
    const bad = await call("GET", "/v1/kicks/top?at=yesterday&period=year", key);
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual(["at", "period"]);
  });
});

describe("retention", () => {
  it(
    "keeps every snapshot for 7 days, then one an hour, then one a day, thinning in bounded batches",
    { timeout: 60_000 },
    async () => {
      const { thinSnapshots } = await import("../../shared/storage/leaderboardStore");
      const now = Date.UTC(2026, 10, 25, 12);
      const HOUR = 3_600_000;
      const DAY = 24 * HOUR;
      // Two changed rankings an hour for 100 days, oldest first.
      const times: number[] = [];
      for (let t = now - 100 * DAY; t < now; t += HOUR / 2) times.push(t);
      for (let i = 0; i < times.length; i += 400) {
        await E.DB.batch(
          times
            .slice(i, i + 400)
            .map((t, j) =>
              E.DB.prepare(
                "INSERT INTO kicks_snapshots (account_id, period, taken_at, last_seen_at, digest) VALUES (1001, 'lifetime', ?, ?, ?)",
              ).bind(t, t, `d${i + j}`),
            ),
        );
      }
      let deleted = 0;
      for (let n; (n = await thinSnapshots(E.DB, now, { keepAllDays: 7, keepHourlyDays: 90, batch: 500 })) > 0;) {
        expect(n).toBeLessThanOrEqual(500);
        deleted += n;
      }
      const kept = (
        await E.DB.prepare("SELECT taken_at FROM kicks_snapshots ORDER BY taken_at").all<{ taken_at: number }>()
      ).results.map((r) => r.taken_at);
      expect(kept.filter((t) => t >= now - 7 * DAY)).toHaveLength(7 * 24 * 2);
      expect(kept.filter((t) => t < now - 7 * DAY && t >= now - 90 * DAY)).toHaveLength(83 * 24);
      // One per UTC day touched: 100 days back from noon spans 11 calendar days before the 90-day line.
      expect(kept.filter((t) => t < now - 90 * DAY)).toHaveLength(
        new Set(times.filter((t) => t < now - 90 * DAY).map((t) => Math.floor(t / DAY))).size,
      );
      expect(deleted).toBe(times.length - kept.length);
    },
  );
});
