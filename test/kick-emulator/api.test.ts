import { SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { getAppToken, KickMissingScopeError, staticToken } from "../../shared/kick/index";
import { createKickClient } from "../../shared/kick/endpoints";
import {
  control,
  DEMO_BOT,
  DEMO_BROADCASTER,
  KICK,
  mintUserToken,
  resetEmulator,
  testConfig,
} from "../helpers/emulator";
import { userClient } from "../helpers/kickClient";

beforeEach(resetEmulator);

describe("the emulated REST API behaves like Kick", () => {
  it("answers 401 in Kick's envelope without a token", async () => {
    const response = await SELF.fetch(`${KICK}/public/v1/users`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ data: null, message: "Unauthorized" });
  });

  it("refuses an app token on user-only endpoints", async () => {
    const app = createKickClient(testConfig(), staticToken((await getAppToken(testConfig())).access_token));
    await expect(
      app.sendChat({ type: "user", broadcaster_user_id: DEMO_BROADCASTER, content: "hi" }),
    ).rejects.toBeInstanceOf(KickMissingScopeError);
    await expect(app.getChannels({ slug: ["demo_streamer"] })).resolves.toHaveLength(1);
  });

  it("treats channel:rewards:write as covering the reads", async () => {
    const { kick } = await userClient(["channel:rewards:write"]);
    await expect(kick.listRewards()).resolves.toHaveLength(1);
  });

  it("answers 500 for type:bot chat, as Kick does for most apps, until told otherwise", async () => {
    const { kick } = await userClient(["chat:write"], DEMO_BOT);
    await expect(kick.sendChat({ type: "bot", content: "beep" })).rejects.toMatchObject({ status: 500 });
    await control("PATCH", "/settings", { bot_chat_works: true });
    await expect(kick.sendChat({ type: "bot", content: "beep" })).resolves.toMatchObject({ is_sent: true });
  });

  it("lets a bot account chat in the broadcaster's channel with type:user", async () => {
    const { kick } = await userClient(["chat:write"], DEMO_BOT);
    await kick.sendChat({ type: "user", broadcaster_user_id: DEMO_BROADCASTER, content: "bot here" });
    const { chat } = await control<{ chat: { sender_user_id: number; broadcaster_user_id: number }[] }>(
      "GET",
      "/state",
    );
    expect(chat).toEqual([
      expect.objectContaining({ sender_user_id: DEMO_BOT, broadcaster_user_id: DEMO_BROADCASTER }),
    ]);
  });

  it("caps rewards at 15 per channel", async () => {
    const { kick } = await userClient(["channel:rewards:write"]);
    for (let i = 0; i < 14; i++) await kick.createReward({ title: `Reward ${i}`, cost: 10 });
    await expect(kick.createReward({ title: "One too many", cost: 10 })).rejects.toMatchObject({
      name: "KickBadRequestError",
      status: 400,
    });
  });

  it("only lets the creating app change a reward", async () => {
    const { kick } = await userClient(["channel:rewards:write"]);
    await expect(kick.updateReward({ id: "01JD0000000000000000000001", cost: 1 })).rejects.toMatchObject({
      status: 403,
    });
  });

  it("refuses acting on another broadcaster's channel", async () => {
    const { kick } = await userClient(["moderation:ban"]);
    await expect(kick.ban({ broadcaster_user_id: 3001, user_id: 2001 })).rejects.toMatchObject({ status: 403 });
  });

  it("enforces the subscription cap with Kick's message, per entry", async () => {
    await control("PATCH", "/settings", { subscription_limit: 1 });
    const { kick } = await userClient(["events:subscribe"]);
    await kick.createSubscriptions({ method: "webhook", events: [{ name: "channel.followed", version: 1 }] });
    const [second] = await kick.createSubscriptions({
      method: "webhook",
      events: [{ name: "channel.followed", version: 1 }],
    });
    expect(second).toMatchObject({ error: "event subscription limit reached" });
  });

  it("expires access tokens on the emulated clock", async () => {
    const tokens = await mintUserToken();
    const kick = createKickClient(testConfig(), staticToken(tokens.access_token));
    await control("POST", "/clock", { advance_seconds: 7199 });
    await expect(kick.getUsers()).resolves.toHaveLength(1);
    await control("POST", "/clock", { advance_seconds: 2 });
    await expect(kick.getUsers()).rejects.toMatchObject({ name: "KickUnauthorizedError" });
  });
});

describe("the control API", () => {
  it("explains bad control input by field", async () => {
    const response = await SELF.fetch(`${KICK}/_emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ path: "no-slash", status: 500 }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: "invalid_input", message: expect.stringContaining("path") },
    });
    const settings = await SELF.fetch(`${KICK}/_emulator/settings`, {
      method: "PATCH",
      body: JSON.stringify({ access_token_ttl: -5 }),
    });
    expect(settings.status).toBe(400);
  });

  it("spends a fault only on matching requests, as many times as asked", async () => {
    const { kick } = await userClient();
    await control("POST", "/faults", { method: "GET", path: "/public/v1/channels*", status: 500, times: 2 });
    const noRetry = createKickClient(
      testConfig({ retry: { limit: 0 } }),
      staticToken((await mintUserToken()).access_token),
    );
    await expect(noRetry.getUsers()).resolves.toHaveLength(1);
    await expect(noRetry.getChannels()).rejects.toMatchObject({ status: 500 });
    expect(await control<unknown[]>("GET", "/faults")).toHaveLength(1);
    await expect(noRetry.getChannels()).rejects.toMatchObject({ status: 500 });
    await expect(noRetry.getChannels()).resolves.toHaveLength(1);
    void kick;
  });

  it("keeps token values out of the state dump", async () => {
    const tokens = await mintUserToken();
    const text = JSON.stringify(await control("GET", "/state"));
    expect(text).not.toContain(tokens.access_token);
    expect(text).not.toContain(tokens.refresh_token);
  });
});
