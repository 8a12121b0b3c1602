import type { AutomationsEnv } from "../../functions/automations/settings";
import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { runAutomationsCron } from "../../functions/automations/runCron";
import { CONNECT_CAPABILITIES } from "../../shared/capabilities";
import { kickControl } from "../helpers/browser";
import { call, chatLog, setUp } from "../helpers/automationsSetup";

const E = env as unknown as AutomationsEnv;
const MIN = 60_000;
let key: string;
beforeEach(async () => {
  key = await setUp(E, [...CONNECT_CAPABILITIES]);
});

const goLive = () =>
  kickControl("PATCH", "/channels/1001", { is_live: true, stream_title: "Speedruns", category_id: 105 });
const goOffline = () => kickControl("PATCH", "/channels/1001", { is_live: false });

describe("the go-live detector", () => {
  it("announces once when the channel goes from offline to live, and not while it stays live", async () => {
    await call("POST", "/v1/announce/rule", key, { json: { template: "Live now: {title}" } });
    const t0 = Date.now();
    expect(await runAutomationsCron(E, t0)).toMatchObject({ live: 0, went_live: 0 });
    await goLive();
    expect(await runAutomationsCron(E, t0 + MIN)).toMatchObject({ live: 1, went_live: 1, announced: 1 });
    expect(await runAutomationsCron(E, t0 + 2 * MIN)).toMatchObject({ live: 1, went_live: 0, announced: 0 });
    expect((await chatLog()).map((m) => m.content)).toEqual(["Live now: Speedruns"]);
  });

  it("shares the once-per-stream claim with the announce button, whichever comes first", async () => {
    await call("POST", "/v1/announce/rule", key, { json: { template: "Live now: {title}" } });
    await goLive();
    expect((await call("POST", "/v1/announce", key)).json.data.posted).toBe(true);
    expect(await runAutomationsCron(E)).toMatchObject({ went_live: 1, announced: 0 });
    expect(await chatLog()).toHaveLength(1);
  });

  it("posts nothing for a channel without an automatic announce rule", async () => {
    await goLive();
    expect(await runAutomationsCron(E)).toMatchObject({ went_live: 1, announced: 0 });
    await call("POST", "/v1/announce/rule", key, { json: { template: "x {title}", auto: false } });
    await goOffline();
    await runAutomationsCron(E);
    await kickControl("POST", "/clock", { advance_seconds: 5 });
    await goLive();
    expect(await runAutomationsCron(E)).toMatchObject({ went_live: 1, announced: 0 });
    expect(await chatLog()).toEqual([]);
  });
});

describe("timed messages", () => {
  it("post at their interval only while live", async () => {
    expect(
      (
        await call("POST", "/v1/timers", key, {
          json: { name: "socials", message: "Follow on socials!", interval_minutes: 10 },
        })
      ).status,
    ).toBe(200);
    const t0 = Date.now();
    await runAutomationsCron(E, t0 + 30 * MIN);
    expect(await chatLog()).toEqual([]);
    await goLive();
    const started = Date.parse((await call("GET", "/v1/status", key)).json.data.started_at);
    expect(await runAutomationsCron(E, started + 5 * MIN)).toMatchObject({ timers_posted: 0 });
    expect(await runAutomationsCron(E, started + 10 * MIN)).toMatchObject({ timers_posted: 1 });
    expect(await runAutomationsCron(E, started + 15 * MIN)).toMatchObject({ timers_posted: 0 });
    expect(await runAutomationsCron(E, started + 20 * MIN)).toMatchObject({ timers_posted: 1 });
    await goOffline();
    expect(await runAutomationsCron(E, started + 40 * MIN)).toMatchObject({ timers_posted: 0 });
    expect((await chatLog()).map((m) => m.content)).toEqual(["Follow on socials!", "Follow on socials!"]);
  });

  it("are listed, changed and deleted through the API, with validation", async () => {
    await call("POST", "/v1/timers", key, {
      json: { name: "discord", message: "Join the Discord", interval_minutes: 15 },
    });
    await call("POST", "/v1/timers", key, {
      json: { name: "discord", message: "Join our Discord", interval_minutes: 20, enabled: false },
    });
    expect((await call("GET", "/v1/timers", key)).json.data).toEqual([
      { name: "discord", message: "Join our Discord", interval_minutes: 20, enabled: false, last_posted_at: null },
    ]);
    expect(
      (await call("POST", "/v1/timers", key, { json: { name: "x", message: "y", interval_minutes: 0 } })).json.error
        .details[0].field,
    ).toBe("interval_minutes");
    expect((await call("DELETE", "/v1/timers/discord", key)).json.data).toEqual({ deleted: "discord" });
    expect((await call("DELETE", "/v1/timers/discord", key)).json.error.code).toBe("timer_not_found");
  });
});
