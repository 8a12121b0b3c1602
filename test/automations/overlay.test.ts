import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { automationKeys } from "../../shared/storage/accountsStore";
import { CONNECT_CAPABILITIES } from "../../shared/capabilities";
import { call, setUp } from "../helpers/automationsSetup";

const E = env as unknown as Cloudflare.AutomationsEnv;
let overlay: string;
let full: string;
beforeEach(async () => {
  full = await setUp(E, [...CONNECT_CAPABILITIES], { allowUrl: true });
  overlay = (
    await automationKeys.create(E.DB, {
      accountId: 1001,
      name: "obs",
      capabilities: ["overlay"],
      allowUrl: true,
      now: Date.now(),
    })
  ).key;
  await call("POST", "/v1/kicks/snapshot", full);
});

describe("the leaderboard overlay", () => {
  it("serves the overlay page (a static asset) and its data for refreshes", async () => {
    const page = await call("GET", `/overlay/leaderboard?key=${overlay}&period=lifetime&count=2`, null);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.text).toContain('<script src="/overlay/leaderboard.js"');
    expect((await call("GET", "/overlay/overlay.css", null)).text).toContain("background: transparent");
    const data = await call("GET", `/overlay/leaderboard.json?key=${overlay}&period=lifetime&count=2`, null);
    expect(data.json.data.entries.map((e: { username: string }) => e.username)).toEqual(["viewer_alice", "viewer_bob"]);
  });

  it("gives the history chart each top gifter's amounts over time", async () => {
    const series = (await call("GET", `/overlay/history.json?key=${overlay}&count=2`, null)).json.data;
    expect(series.map((s: { username: string }) => s.username)).toEqual(["viewer_alice", "viewer_bob"]);
    expect(series[0].points[0]).toMatchObject({ amount: 550, at: expect.any(Number) });
    expect((await call("GET", "/overlay/history.js", null)).text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it("an overlay key is refused everywhere else, and other keys cannot open the overlay", async () => {
    for (const [method, path] of [
      ["GET", "/v1/whoami"],
      ["GET", "/v1/status"],
      ["GET", "/v1/kicks/leaderboard"],
      ["POST", "/v1/chat?message=hi"],
      ["POST", "/v1/kicks/snapshot"],
    ]) {
      const answer = await call(method!, path!, overlay);
      expect(answer.status, path).toBe(403);
      expect(answer.json.error.code).toBe("overlay_key");
    }
    expect((await call("GET", `/overlay/leaderboard.json?key=${full}`, null)).status).toBe(403);
  });
});
