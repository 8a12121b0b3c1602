import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import oauth from "../../functions/oauth/index";
import { accounts } from "../../shared/storage/accountsStore";
import { CONNECT_CAPABILITIES } from "../../shared/capabilities";
import { kickControl } from "../helpers/browser";
import { AUTOMATIONS, call, chatLog, kickCalls, setUp } from "../helpers/automationsSetup";
import { connectedAccount, grantsByUser } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { Browser, keyOnPage } from "../oauth/adminBrowser";

const E = env as unknown as Cloudflare.AutomationsEnv;
let key: string;
beforeEach(async () => {
  key = await setUp(E, [...CONNECT_CAPABILITIES]);
});

/** Who posted each chat message, and in which channel. */
const posts = async () =>
  (
    await kickControl<{ chat: { content: string; sender_user_id: number; broadcaster_user_id: number }[] }>(
      "GET",
      "/state",
    )
  ).chat;

const goLive = (patch: Record<string, unknown> = {}) =>
  kickControl("PATCH", "/channels/1001", {
    is_live: true,
    stream_title: "Ranked grind",
    category_id: 105,
    viewer_count: 42,
    ...patch,
  });

describe("go-live announce", () => {
  it("refuses while offline, unless forced", async () => {
    const offline = await call("POST", "/v1/announce", key);
    expect(offline.status).toBe(409);
    expect(offline.json.error.code).toBe("not_live");
    expect((await call("POST", "/v1/announce", key, { json: { force: true } })).json.data.posted).toBe(true);
  });

  it("posts once per stream session, filling the template from the live stream", async () => {
    await goLive();
    const first = await call("POST", "/v1/announce", key, {
      json: { message: "LIVE: {title} | {category} | {viewers} watching | {url}" },
    });
    expect(first.json.data).toMatchObject({
      posted: true,
      message: "LIVE: Ranked grind | Minecraft | 42 watching | https://kick.com/demo_streamer",
    });
    const second = await call("POST", "/v1/announce", key);
    expect(second.json.data).toMatchObject({ posted: false, reason: "already_announced" });
    expect((await chatLog()).map((m) => m.content)).toEqual([
      "LIVE: Ranked grind | Minecraft | 42 watching | https://kick.com/demo_streamer",
    ]);
    // A new stream session announces again, with the saved rule's template.
    await call("POST", "/v1/announce/rule", key, { json: { template: "Back again: {title}" } });
    await kickControl("PATCH", "/channels/1001", { is_live: false });
    await kickControl("POST", "/clock", { advance_seconds: 5 });
    await goLive({ stream_title: "Round two" });
    expect((await call("POST", "/v1/announce", key)).json.data).toMatchObject({
      posted: true,
      message: "Back again: Round two",
    });
  });

  it("refuses unknown placeholders", async () => {
    const bad = await call("POST", "/v1/announce", key, { json: { message: "{title} {game}" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0]).toMatchObject({ field: "message", reason: expect.stringContaining("{title}") });
  });

  it("speaks as the channel's bot account when asked", async () => {
    await connectedAccount(E, 1002, 90 * 60_000, { serves: 1001 });
    await goLive();
    await call("POST", "/v1/announce", key, { json: { as: "bot" } });
    expect((await posts()).map((m) => [m.sender_user_id, m.broadcaster_user_id])).toEqual([[1002, 1001]]);
  });
});

describe("as=bot", () => {
  it("through the real flow: a channel connected, its bot connected from its page through Kick, then the channel's key posts as the bot in the channel", async () => {
    await kickControl("POST", "/reset");
    await resetWorkerState(E);
    // The oauth Worker itself, on the same D1 and KV as the automations Worker under test.
    const browser = new Browser((request) =>
      oauth.fetch(request as never, { ...E, AUTOMATIONS_URL: AUTOMATIONS, ALLOWED_KICK_USERS: "" } as never),
    );
    expect((await browser.login()).status).toBe(303);
    const { callbackUrl } = await browser.connectThroughKick();
    const channelKey = keyOnPage(await (await browser.get(callbackUrl!)).text())!;
    const bot = await browser.connectBotThroughKick(1001, 1002);
    expect((await browser.get(bot.callbackUrl)).status).toBe(200);

    const whoami = await call("GET", "/v1/whoami", channelKey);
    expect(whoami.json.data).toMatchObject({ account: { id: 1001 }, bot: { id: 1002, username: "demo_bot" } });
    const sent = await call("POST", "/v1/chat", channelKey, { json: { message: "hello from the bot", as: "bot" } });
    expect(sent.status).toBe(200);
    // The answer names the channel the message went to: the broadcaster's, not the bot's own.
    expect(sent.json).toMatchObject({ ok: true, channel: "demo_streamer" });
    await call("POST", "/v1/chat", channelKey, { json: { message: "hello from the channel" } });
    expect((await posts()).map((m) => [m.content, m.sender_user_id, m.broadcaster_user_id])).toEqual([
      ["hello from the bot", 1002, 1001],
      ["hello from the channel", 1001, 1001],
    ]);
  });

  it("never borrows another channel's bot", async () => {
    await connectedAccount(E, 3001, 90 * 60_000);
    await connectedAccount(E, 1002, 90 * 60_000, { serves: 3001 });
    const answer = await call("POST", "/v1/chat", key, { json: { message: "x", as: "bot" } });
    expect(answer.status).toBe(409);
    expect(answer.json.error).toMatchObject({
      code: "no_bot_account",
      message: expect.stringContaining("linked to this channel"),
    });
    expect(await chatLog()).toEqual([]);
  });
});

describe("chat", () => {
  it("sends, replies and deletes", async () => {
    const sent = await call("POST", "/v1/chat", key, { json: { message: "hello" } });
    const id = sent.json.data.message_id;
    await call("POST", "/v1/chat", key, { json: { message: "a reply", reply_to: id } });
    expect((await call("DELETE", `/v1/chat/${id}`, key)).json.data).toEqual({ deleted: id });
    expect(await chatLog()).toEqual([
      expect.objectContaining({ content: "hello", deleted: true }),
      expect.objectContaining({ content: "a reply", reply_to_message_id: id }),
    ]);
  });

  it("says there is no bot account when asked to speak as one", async () => {
    const answer = await call("POST", "/v1/chat", key, { json: { message: "x", as: "bot" } });
    expect(answer.json.error.code).toBe("no_bot_account");
  });
});

describe("channel", () => {
  const channelState = async () =>
    (
      await kickControl<{
        channels: { broadcaster_user_id: number; stream_title: string; category_id: number; custom_tags: string[] }[];
      }>("GET", "/state")
    ).channels.find((c) => c.broadcaster_user_id === 1001)!;

  it("sets title, category by name, and tags from a comma list", async () => {
    const answer = await call("POST", "/v1/channel?title=New%20title&category=minecraft&tags=Chill,English", key);
    expect(answer.json.data).toMatchObject({
      title: "New title",
      category: { id: 105, name: "Minecraft" },
      tags: ["Chill", "English"],
    });
    expect(await channelState()).toMatchObject({
      stream_title: "New title",
      category_id: 105,
      custom_tags: ["Chill", "English"],
    });
  });

  it("lists the candidates for an ambiguous category name", async () => {
    const answer = await call("POST", "/v1/channel", key, { json: { category: "Grand Theft Auto" } });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({
      code: "category_ambiguous",
      details: { candidates: [{ name: "Grand Theft Auto V" }, { name: "Grand Theft Auto IV" }] },
    });
    expect((await call("POST", "/v1/channel", key, { json: { category: "Grand Theft Auto V" } })).status).toBe(200);
    expect(
      (await call("POST", "/v1/channel", key, { json: { category: "Underwater Basket Weaving" } })).json.error.code,
    ).toBe("category_not_found");
  });

  it("refuses an empty change and too many tags before Kick hears of it", async () => {
    expect((await call("POST", "/v1/channel", key, { json: {} })).status).toBe(400);
    expect(
      (await call("POST", "/v1/channel", key, { json: { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) } })).json
        .error.details[0].field,
    ).toBe("tags");
    expect(await kickCalls()).toEqual([]);
  });
});

describe("moderation", () => {
  const bans = async () =>
    (await kickControl<{ bans: { user_id: number; expires_at: string | null }[] }>("GET", "/state")).bans;

  it("bans, times out and unbans by username or user id", async () => {
    expect((await call("POST", "/v1/ban", key, { json: { user: "@Viewer_Alice", reason: "spam" } })).json.data).toEqual(
      { banned: 2001 },
    );
    expect((await call("POST", "/v1/timeout", key, { json: { user_id: 2002, minutes: 10 } })).json.data).toEqual({
      timed_out: 2002,
      minutes: 10,
    });
    expect((await bans()).map((b) => [b.user_id, b.expires_at === null])).toEqual([
      [2001, true],
      [2002, false],
    ]);
    await call("POST", "/v1/unban", key, { json: { user: "viewer_alice" } });
    expect((await bans()).map((b) => b.user_id)).toEqual([2002]);
  });

  it("refuses bad durations and unknown users", async () => {
    for (const minutes of [0, 10_081, 1.5])
      expect(
        (await call("POST", "/v1/timeout", key, { json: { user_id: 2002, minutes } })).json.error.details[0].field,
      ).toBe("minutes");
    expect((await call("POST", "/v1/ban", key, { json: { user: "viewer_alice", user_id: 2001 } })).status).toBe(400);
    expect((await call("POST", "/v1/ban", key, { json: { user: "nobody_here" } })).json.error.code).toBe(
      "user_not_found",
    );
  });
});

describe("rewards and redemptions", () => {
  it("lists, creates, updates and deletes rewards; accepts and rejects with per-id failures", async () => {
    const created = (await call("POST", "/v1/rewards", key, { json: { title: "Song request", cost: 50 } })).json.data;
    expect((await call("PATCH", `/v1/rewards/${created.id}`, key, { json: { cost: 75 } })).json.data.cost).toBe(75);
    expect((await call("GET", "/v1/rewards", key)).json.data.map((r: { title: string }) => r.title)).toEqual([
      "Hydrate!",
      "Song request",
    ]);
    const redemption = await kickControl<{ id: string }>("POST", "/redemptions", {
      reward_id: created.id,
      user_id: 2001,
    });
    expect(
      (await call("GET", `/v1/redemptions?reward_id=${created.id}`, key)).json.data.groups[0].redemptions[0].id,
    ).toBe(redemption.id);
    const accepted = await call("POST", "/v1/redemptions/accept", key, {
      json: { ids: [redemption.id, "01JD0000000000000000000101"] },
    });
    expect(accepted.json.data).toEqual({
      succeeded: [redemption.id],
      failed: [{ id: "01JD0000000000000000000101", reason: "NOT_OWNED" }],
    });
    expect((await call("POST", "/v1/redemptions/reject", key, { json: { ids: [] } })).status).toBe(400);
    expect((await call("DELETE", `/v1/rewards/${created.id}`, key)).json.data).toEqual({ deleted: created.id });
  });
});

describe("Kick's failures, mapped", () => {
  it("401: refreshes once through the shared path and goes on", async () => {
    expect((await call("POST", "/v1/chat", key, { json: { message: "before" } })).status).toBe(200);
    // Kick now considers the token expired, though our record does not yet.
    await kickControl("POST", "/clock", { advance_seconds: 7300 });
    expect((await call("POST", "/v1/chat", key, { json: { message: "after a refresh" } })).status).toBe(200);
    expect((await grantsByUser()).get(1001)).toEqual([200]);
  });

  it("403: says which scope is missing and where to re-connect", async () => {
    await setUpWithScopes(["user:read"]);
    const answer = await call("POST", "/v1/chat", key, { json: { message: "x" } });
    expect(answer.status).toBe(403);
    expect(answer.json.error).toMatchObject({
      code: "missing_scope",
      details: { scope: "chat:write", reconnect_url: "http://127.0.0.1:8787/" },
    });
  });

  it.each([
    [
      "404",
      "DELETE",
      `/v1/chat/${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}`,
      undefined,
      null,
      404,
      "kick_not_found",
    ],
    [
      "429 with Retry-After",
      "POST",
      "/v1/chat",
      { message: "x" },
      { status: 429, retry_after: "30" },
      429,
      "kick_rate_limited",
    ],
    ["500", "POST", "/v1/chat", { message: "x" }, { status: 500 }, 502, "kick_unavailable"],
    ["an HTML page", "POST", "/v1/chat", { message: "x" }, { status: 403, html: true }, 502, "kick_unavailable"],
  ])("%s", async (_, method, path, json, fault, status, code) => {
    if (fault) await kickControl("POST", "/faults", { path: "/public/v1/chat*", ...fault });
    const answer = await call(method, path, key, { json });
    expect(answer.status).toBe(status);
    expect(answer.json.error.code).toBe(code);
    if (code === "kick_rate_limited") expect(answer.headers.get("retry-after")).toBe("30");
  });

  it("needs re-connect: says so, with the link", async () => {
    await connectedAccount(E, 1001, -60_000);
    await E.DB.prepare("UPDATE accounts SET needs_reconnect = 1, reconnect_reason = 'refresh token rejected'").run();
    const answer = await call("POST", "/v1/chat", key, { json: { message: "x" } });
    expect(answer.status).toBe(409);
    expect(answer.json.error).toMatchObject({
      code: "needs_reconnect",
      details: { reconnect_url: "http://127.0.0.1:8787/" },
    });
  });
});

async function setUpWithScopes(scopes: string[]) {
  const tokens = await kickControl<{ access_token: string; refresh_token: string }>("POST", "/tokens", {
    user_id: 1001,
    scopes,
  });
  const { storeNewTokens } = await import("../../shared/storage/tokenStore");
  await storeNewTokens(E, {
    accountId: 1001,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: Date.now() + 3_600_000,
    scopes,
    obtainedAt: Date.now(),
  });
  await accounts.get(E.DB, 1001);
}
