import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { ALERT_TYPES } from "../../functions/controlRoom/alertsPage";
import { CONNECT_CAPABILITIES } from "../../shared/capabilities";
import { automationKeys } from "../../shared/storage/accountsStore";
import { alertStatement, type Alert } from "../../shared/storage/alertsStore";
import { REPLY_EVENTS } from "../../shared/webhooks/replyToEvent";
import { call, setUp } from "../helpers/automationsSetup";
import { connectedAccount } from "../helpers/connectedAccount";

const E = env as unknown as Cloudflare.AutomationsEnv;
let overlay: string;
let full: string;

const overlayKey = async (accountId: number) =>
  (
    await automationKeys.create(E.DB, {
      accountId,
      name: "obs",
      capabilities: ["overlay"],
      allowUrl: true,
      now: Date.now(),
    })
  ).key;

beforeEach(async () => {
  full = await setUp(E, [...CONNECT_CAPABILITIES], { allowUrl: true });
  overlay = await overlayKey(1001);
});

const follow = (username: string): Alert => ({
  type: "channel.followed",
  username,
  amount: null,
  reward: null,
  message: null,
});
const write = (accountId: number, alert: Alert) => alertStatement(E.DB, accountId, alert, Date.now()).run();
const poll = (key: string, after?: number) =>
  call("GET", `/overlay/alerts.json?key=${key}${after === undefined ? "" : `&after=${after}`}`, null);

describe("the alerts overlay", () => {
  it("serves its page, script and styles as static assets that ask no other host", async () => {
    const page = await call("GET", `/overlay/alerts?key=${overlay}`, null);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.text).toContain('<script src="/overlay/alerts.js"');
    const script = (await call("GET", "/overlay/alerts.js", null)).text;
    const styles = (await call("GET", "/overlay/alerts.css", null)).text;
    expect(styles).toContain("background: transparent");
    for (const text of [page.text, script, styles]) expect(text).not.toMatch(/https?:\/\//);
    // The control room's alerts page shows the same defaults the overlay uses.
    const bare = (text: string) => text.replace(/\s+/g, "");
    for (const e of REPLY_EVENTS)
      expect(bare(script)).toContain(bare(`["${ALERT_TYPES[e][1]}", "${ALERT_TYPES[e][2]}"`));
  });

  it("opens at the newest alert without replaying it, then gives what came after, oldest first", async () => {
    await write(1001, follow("before_the_overlay"));
    const opened = await poll(overlay);
    expect(opened.status).toBe(200);
    const { last } = opened.json.data;
    expect(opened.json.data).toEqual({ last: expect.any(Number), alerts: [] });
    expect(last).toBeGreaterThan(0);

    await write(1001, follow("viewer_alice"));
    await write(1001, {
      type: "kicks.gifted",
      username: "viewer_bob",
      amount: 100,
      reward: "Full Send",
      message: "let's go",
    });
    const next = (await poll(overlay, last)).json.data;
    expect(next.alerts).toEqual([
      { id: last + 1, at: expect.any(Number), ...follow("viewer_alice") },
      {
        id: last + 2,
        at: expect.any(Number),
        type: "kicks.gifted",
        username: "viewer_bob",
        amount: 100,
        reward: "Full Send",
        message: "let's go",
      },
    ]);
    expect(next.last).toBe(last + 2);
    expect((await poll(overlay, last + 2)).json.data).toEqual({ last: last + 2, alerts: [] });
  });

  it("gives at most 10 at a time, so a storm drains over a few polls", async () => {
    const { last } = (await poll(overlay)).json.data;
    await E.DB.batch(Array.from({ length: 25 }, (_, i) => alertStatement(E.DB, 1001, follow(`f${i}`), Date.now())));
    const first = (await poll(overlay, last)).json.data;
    expect(first.alerts.map((a: Alert) => a.username)).toEqual(Array.from({ length: 10 }, (_, i) => `f${i}`));
    expect(first.last).toBe(first.alerts[0].id + 24);
    const second = (await poll(overlay, first.alerts.at(-1).id)).json.data;
    expect(second.alerts[0].username).toBe("f10");
  });

  it("never shows another channel's alerts", async () => {
    await connectedAccount(E, 3001, 90 * 60_000);
    const theirs = await overlayKey(3001);
    const { last } = (await poll(overlay)).json.data;
    await write(3001, follow("their_follower"));
    await write(1001, follow("my_follower"));
    expect((await poll(overlay, last)).json.data.alerts.map((a: Alert) => a.username)).toEqual(["my_follower"]);
    expect((await poll(theirs, 0)).json.data.alerts.map((a: Alert) => a.username)).toEqual(["their_follower"]);
    // A channel's newest id is its own: another's later alert does not move it.
    const mine = (await poll(overlay, last)).json.data.alerts[0].id;
    expect((await poll(theirs)).json.data.last).toBe(mine - 1);
  });

  it("is read-only and for overlay keys alone; an overlay key may do nothing else", async () => {
    const refused = await poll(full);
    expect([refused.status, refused.json.error.code]).toEqual([403, "capability_not_allowed"]);
    expect((await call("POST", `/overlay/alerts.json?key=${overlay}`, null)).status).toBe(405);
    for (const [method, path] of [
      ["GET", "/v1/whoami"],
      ["POST", "/v1/chat?message=hi"],
      ["GET", "/v1/events/replies"],
    ]) {
      const answer = await call(method!, path!, overlay);
      expect([answer.status, answer.json.error.code], path).toEqual([403, "overlay_key"]);
    }
    const bad = await poll(overlay, -1);
    expect([bad.status, bad.json.error.code]).toEqual([400, "invalid_input"]);
  });

  it("an overlay key makes the subscription sync ask Kick for the events the alerts show", async () => {
    const sync = (await call("POST", "/v1/events/subscriptions/sync", full)).json.data;
    expect([...sync.desired].sort()).toEqual([...REPLY_EVENTS].sort());
    const id = overlay.split("_")[1]!;
    await automationKeys.revoke(E.DB, 1001, id, Date.now());
    const without = (await call("POST", "/v1/events/subscriptions/sync", full)).json.data;
    expect(without.desired).toEqual(["kicks.gifted"]);
  });
});
