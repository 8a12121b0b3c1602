import { SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { control, DASHBOARD_REWARD, DEMO_BROADCASTER, KICK, requestsSeen, resetEmulator } from "../helpers/emulator";
import { userClient } from "../helpers/kickClient";

beforeEach(resetEmulator);

interface Feed {
  channel: { slug: string; is_live: boolean; title: string; category: string };
  delivery: string;
  feed: { id: string; at: string; kind: "chat" | "event"; who: string; text: string }[];
}

const feed = () => control<Feed>("GET", `/channels/${DEMO_BROADCASTER}/feed`);
const act = (body: Record<string, unknown>) =>
  control<{ action: string; user_id: number; webhooks: number[] }>(
    "POST",
    `/channels/${DEMO_BROADCASTER}/actions`,
    body,
  );

/** A button pressed without a script: the form posts, the answer sends the browser back to the page. */
const press = (fields: Record<string, string>) =>
  SELF.fetch(`${KICK}/_emulator/channels/${DEMO_BROADCASTER}/actions`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });

describe("the emulator's channel page", () => {
  it("is linked from the home page, demo broadcaster first, and both pages fit a phone", async () => {
    const home = await (await SELF.fetch(`${KICK}/`)).text();
    const links = [...home.matchAll(/href="\/channel\/([^"]+)"/g)].map((m) => m[1]);
    expect(links[0]).toBe("demo_streamer");
    expect(links).toContain("other_streamer");
    expect(home).toContain('name="viewport"');
  });

  it("shows the state, title and category, and the buttons as forms, under a CSP that allows its one script", async () => {
    const response = await SELF.fetch(`${KICK}/channel/demo_streamer`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('name="viewport"');
    expect(html).toMatch(/<strong id="live">Offline<\/strong> <span id="title">Demo stream<\/span>/);
    expect(html).toContain('<span id="cat">Just Chatting</span>');
    for (const action of ["live", "follow", "subscribe", "gifts", "kicks", "redeem"])
      expect(html).toContain(`name="action" value="${action}"`);
    expect(html).toContain("Hydrate! (100)");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(script));
    expect(csp).toContain(`'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`);
    // The emulator's own page is not a Kick request: tests counting Kick's requests never see it.
    expect(await requestsSeen()).toEqual([]);
    expect((await SELF.fetch(`${KICK}/channel/nobody`)).status).toBe(404);
  });

  it("without a script: each button posts a form and comes back to the page, which shows what happened", async () => {
    const live = await press({ action: "live" });
    expect(live.status).toBe(303);
    expect(live.headers.get("location")).toBe("/channel/demo_streamer");
    let html = await (await SELF.fetch(`${KICK}/channel/demo_streamer`)).text();
    expect(html).toMatch(/<strong id="live" class="on">Live<\/strong>/);
    expect(html).toContain('value="offline">Go offline</button>');
    expect(html).toContain("Went live: not sent (no webhook URL is set)");
    expect((await press({ action: "kicks", amount: "250" })).status).toBe(303);
    expect((await press({ action: "redeem", reward_id: DASHBOARD_REWARD, user_input: "now" })).status).toBe(303);
    html = await (await SELF.fetch(`${KICK}/channel/demo_streamer`)).text();
    expect(html).toMatch(/<\/time>\w+ gifted 250 KICKs: not sent/);
    expect(html).toMatch(/<\/time>\w+ redeemed Hydrate! \(“now”\): not sent/);
    expect((await press({ action: "kicks", amount: "lots" })).status).toBe(400);
  });

  it("does what the control API does: the channel goes live, KICKs and redemptions are recorded, subs counted", async () => {
    expect(await act({ action: "live" })).toMatchObject({ webhooks: [] });
    const state = await control<{
      channels: { broadcaster_user_id: number; is_live: boolean; active_subscribers_count: number }[];
      kicks: { user_id: number; amount: number }[];
      redemptions: { redeemer_user_id: number; user_input: string }[];
    }>("GET", "/state");
    expect(state.channels.find((c) => c.broadcaster_user_id === DEMO_BROADCASTER)?.is_live).toBe(true);
    await act({ action: "follow", user_id: 2002 });
    await act({ action: "subscribe", user_id: 2002 });
    await act({ action: "gifts", user_id: 2003, count: 3 });
    await act({ action: "kicks", user_id: 2004, amount: 42 });
    await act({ action: "redeem", user_id: 2001, reward_id: DASHBOARD_REWARD, user_input: "hi" });
    await act({ action: "offline" });
    const after = await control<typeof state>("GET", "/state");
    expect(after.channels.find((c) => c.broadcaster_user_id === DEMO_BROADCASTER)).toMatchObject({
      is_live: false,
      active_subscribers_count: 42 + 1 + 3,
    });
    expect(after.kicks.at(-1)).toMatchObject({ user_id: 2004, amount: 42 });
    expect(after.redemptions.at(-1)).toMatchObject({ redeemer_user_id: 2001, user_input: "hi" });
    const { channel, feed: lines } = await feed();
    expect(channel).toEqual({ slug: "demo_streamer", is_live: false, title: "Demo stream", category: "Just Chatting" });
    expect(lines.map((l) => l.text.replace(/: .*/, ""))).toEqual([
      "Went live",
      "viewer_bob followed",
      "viewer_bob subscribed",
      "viewer_carol gifted 3 subs",
      "viewer_dave gifted 42 KICKs",
      "viewer_alice redeemed Hydrate! (“hi”)",
      "Went offline",
    ]);
    // Gifts go to other viewers only, never to more than there are.
    expect(await act({ action: "gifts", user_id: 2003, count: 99 })).toMatchObject({ action: "gifts" });
    expect((await feed()).feed.at(-1)?.text).toMatch(/^viewer_carol gifted 4 subs/);
  });

  it("refuses what it cannot do, in the control API's words", async () => {
    const refused = async (body: unknown) => {
      const response = await SELF.fetch(`${KICK}/_emulator/channels/${DEMO_BROADCASTER}/actions`, {
        method: "POST",
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json<{ error: { message: string } }>() };
    };
    expect(await refused({ action: "raid" })).toMatchObject({ status: 400 });
    expect(await refused({ action: "follow", user_id: 999 })).toMatchObject({
      status: 400,
      body: { error: { message: "user_id: unknown user" } },
    });
    expect(await refused({ action: "redeem", reward_id: "nope" })).toMatchObject({
      status: 400,
      body: { error: { message: "reward_id: no such reward on this channel" } },
    });
    expect((await SELF.fetch(`${KICK}/_emulator/channels/424242/feed`)).status).toBe(404);
  });

  it("puts the chat in, and says where events go and why none went", async () => {
    const { kick } = await userClient(["chat:write", "events:subscribe"]);
    await kick.sendChat({ type: "user", broadcaster_user_id: DEMO_BROADCASTER, content: "hello <b>chat</b>" });
    expect((await feed()).delivery).toMatch(/no webhook URL is set/);
    await control("PATCH", "/settings", { webhook_url: "http://127.0.0.1:9/kick" });
    expect((await feed()).delivery).toMatch(/^No app subscribes to this channel's events yet/);
    await act({ action: "follow", user_id: 2001 });
    await kick.createSubscriptions({ method: "webhook", events: [{ name: "channel.followed", version: 1 }] });
    expect((await feed()).delivery).toBe("Events go to http://127.0.0.1:9/kick for: channel.followed.");
    await act({ action: "follow", user_id: 2001 });
    const lines = (await feed()).feed;
    expect(lines[0]).toMatchObject({ kind: "chat", who: "demo_streamer", text: "hello <b>chat</b>" });
    expect(lines.slice(1).map((l) => l.text)).toEqual([
      "viewer_alice followed: not sent (no app subscribes to channel.followed on this channel)",
      "viewer_alice followed: the app did not answer",
    ]);
    // Escaped on the page, as text.
    expect(await (await SELF.fetch(`${KICK}/channel/demo_streamer`)).text()).toContain("hello &#60;b&#62;chat");
  });
});
