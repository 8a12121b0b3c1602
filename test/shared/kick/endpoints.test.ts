import { beforeEach, describe, expect, it } from "vitest";
import { getAppToken, paginate, staticToken } from "../../../shared/kick/index";
import { createKickClient, ENDPOINTS } from "../../../shared/kick/endpoints";
import {
  control,
  DASHBOARD_REWARD,
  DEMO_BOT,
  DEMO_BROADCASTER,
  OTHER_STREAMER,
  requestsSeen,
  resetEmulator,
  testConfig,
} from "../../helpers/emulator";
import { userClient } from "../../helpers/kickClient";

beforeEach(resetEmulator);

/** Every row of the endpoint table is exercised below; this keeps the list honest. */
const covered = new Set<string>();
const use = <T>(name: keyof typeof ENDPOINTS, value: T) => (covered.add(name), value);

describe("every Kick endpoint against the emulator", () => {
  it("users: self, and others by id (without their email)", async () => {
    const { kick } = await userClient(["user:read"]);
    const [me] = await use("getUsers", kick.getUsers());
    expect(me).toMatchObject({ user_id: DEMO_BROADCASTER, name: "demo_streamer", email: "demo_streamer@example.test" });
    const others = await kick.getUsers({ id: [2001, 2002] });
    expect(others.map((u) => [u.name, u.email])).toEqual([
      ["viewer_alice", ""],
      ["viewer_bob", ""],
    ]);
  });

  it("channels: own, by id and by slug; offline ones carry a zero-valued stream; PATCH sets title, category, tags", async () => {
    const { kick } = await userClient(["channel:read", "channel:write", "streamkey:read"]);
    const [own] = await use("getChannels", kick.getChannels());
    expect(own).toMatchObject({
      broadcaster_user_id: DEMO_BROADCASTER,
      slug: "demo_streamer",
      stream: { is_live: false, start_time: "0001-01-01T00:00:00Z", viewer_count: 0 },
    });
    expect(own!.stream!.key).toMatch(/^sk_/);
    const [other] = await kick.getChannels({ slug: ["other_streamer"] });
    expect(other).toMatchObject({ broadcaster_user_id: OTHER_STREAMER, stream: { is_live: true, key: "" } });
    expect((await kick.getChannels({ broadcaster_user_id: [OTHER_STREAMER, DEMO_BROADCASTER] })).length).toBe(2);

    await use(
      "updateChannel",
      kick.updateChannel({ stream_title: "Ranked grind 🎮", category_id: 105, custom_tags: ["English", "Chill"] }),
    );
    await control("PATCH", `/channels/${DEMO_BROADCASTER}`, { is_live: true });
    const [after] = await kick.getChannels();
    expect(after).toMatchObject({
      stream_title: "Ranked grind 🎮",
      category: { id: 105, name: "Minecraft" },
      stream: { is_live: true, custom_tags: ["English", "Chill"] },
    });
  });

  it("categories: v2 filtered and paginated, v1 search and by id", async () => {
    const { kick } = await userClient([]);
    const firstPage = await use("listCategories", kick.listCategories({ limit: 5 }));
    expect(firstPage.data).toHaveLength(5);
    expect(firstPage.nextCursor).toBeTruthy();
    const all = [];
    for await (const category of paginate(kick.listCategories, { limit: 7 })) all.push(category.name);
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
    const gta = await kick.listCategories({ name: ["grand theft"] });
    expect(gta.data.map((c) => c.name)).toEqual(["Grand Theft Auto V", "Grand Theft Auto IV"]);
    expect(gta.nextCursor).toBeNull();
    const byTag = await kick.listCategories({ tag: ["moba"] });
    expect(byTag.data.map((c) => c.name).sort()).toEqual(["Dota 2", "League of Legends"]);

    const v1 = await use("searchCategoriesV1", kick.searchCategoriesV1({ q: "chat" }));
    expect(v1[0]).toMatchObject({ id: 15, name: "Just Chatting" });
    expect(await use("getCategoryV1", kick.getCategoryV1({ category_id: 15 }))).toMatchObject({
      id: 15,
      name: "Just Chatting",
      viewer_count: expect.any(Number),
    });
  });

  it("livestreams: v2, v1, stats and users/livestreams", async () => {
    const { kick } = await userClient([]);
    await control("PATCH", `/channels/${DEMO_BROADCASTER}`, { is_live: true, viewer_count: 12 });
    const v2 = await use("listLivestreams", kick.listLivestreams({ limit: 1 }));
    expect(v2.data).toHaveLength(1);
    expect(v2.data[0]!.broadcaster_user.id).toBe(OTHER_STREAMER);
    const rest = await kick.listLivestreams({ cursor: v2.nextCursor! });
    expect(rest.data.map((l) => l.broadcaster_user.id)).toEqual([DEMO_BROADCASTER]);
    const v1 = await use("listLivestreamsV1", kick.listLivestreamsV1({ sort: "viewer_count" }));
    expect(v1.map((l) => l.broadcaster_user_id)).toEqual([OTHER_STREAMER, DEMO_BROADCASTER]);
    expect(await use("getLivestreamStats", kick.getLivestreamStats())).toEqual({ total_count: 2 });
    const mine = await use("getUsersLivestreams", kick.getUsersLivestreams({ user_id: [DEMO_BROADCASTER, DEMO_BOT] }));
    expect(mine.map((l) => [l.broadcaster_user.id, l.viewer_count])).toEqual([[DEMO_BROADCASTER, 12]]);
  });

  it("chat: send, reply, delete", async () => {
    const { kick } = await userClient(["chat:write", "moderation:chat_message:manage"]);
    const sent = await use(
      "sendChat",
      kick.sendChat({ type: "user", broadcaster_user_id: DEMO_BROADCASTER, content: "We are live!" }),
    );
    expect(sent.is_sent).toBe(true);
    const reply = await kick.sendChat({
      type: "user",
      broadcaster_user_id: DEMO_BROADCASTER,
      content: "replying",
      reply_to_message_id: sent.message_id!,
    });
    expect(reply.is_sent).toBe(true);
    await use("deleteChat", kick.deleteChat({ message_id: sent.message_id! }));
    const { chat } = await control<{
      chat: { content: string; deleted: boolean; reply_to_message_id: string | null }[];
    }>("GET", "/state");
    expect(chat).toEqual([
      expect.objectContaining({ content: "We are live!", deleted: true }),
      expect.objectContaining({ content: "replying", reply_to_message_id: sent.message_id }),
    ]);
  });

  it("moderation: timeout, ban and unban", async () => {
    const { kick } = await userClient(["moderation:ban"]);
    await use("ban", kick.ban({ broadcaster_user_id: DEMO_BROADCASTER, user_id: 2001, duration: 10, reason: "spam" }));
    await kick.ban({ broadcaster_user_id: DEMO_BROADCASTER, user_id: 2002 });
    let { bans } = await control<{ bans: { user_id: number; expires_at: string | null; reason: string | null }[] }>(
      "GET",
      "/state",
    );
    expect(bans.map((b) => [b.user_id, b.expires_at === null, b.reason])).toEqual([
      [2001, false, "spam"],
      [2002, true, null],
    ]);
    await use("unban", kick.unban({ broadcaster_user_id: DEMO_BROADCASTER, user_id: 2001 }));
    ({ bans } = await control("GET", "/state"));
    expect(bans.map((b) => b.user_id)).toEqual([2002]);
  });

  it("rewards: list, create, update, delete", async () => {
    const { kick } = await userClient(["channel:rewards:write"]);
    expect((await use("listRewards", kick.listRewards())).map((r) => r.title)).toEqual(["Hydrate!"]);
    const created = await use(
      "createReward",
      kick.createReward({ title: "Pick the next game", cost: 500, is_user_input_required: true }),
    );
    expect(created).toMatchObject({
      title: "Pick the next game",
      cost: 500,
      background_color: "#00e701",
      is_enabled: true,
      is_user_input_required: true,
    });
    const updated = await use("updateReward", kick.updateReward({ id: created.id, cost: 750, is_paused: true }));
    expect(updated).toMatchObject({ cost: 750, is_paused: true });
    await use("deleteReward", kick.deleteReward({ id: created.id }));
    expect((await kick.listRewards()).map((r) => r.id)).toEqual([DASHBOARD_REWARD]);
  });

  it("redemptions: list grouped by reward (pending by default), accept and reject with per-id failures", async () => {
    const { kick } = await userClient(["channel:rewards:write"]);
    const reward = await kick.createReward({ title: "Song request", cost: 50 });
    const a = await control<{ id: string }>("POST", "/redemptions", {
      reward_id: reward.id,
      user_id: 2001,
      user_input: "Darude - Sandstorm",
    });
    const b = await control<{ id: string }>("POST", "/redemptions", { reward_id: reward.id, user_id: 2002 });
    const pending = await use("listRedemptions", kick.listRedemptions());
    expect(pending.data.map((g) => [g.reward.title, g.reward.can_manage, g.redemptions.length])).toEqual([
      ["Hydrate!", false, 1],
      ["Song request", true, 2],
    ]);
    const onlyMine = await kick.listRedemptions({ reward_id: reward.id });
    expect(onlyMine.data[0]!.redemptions.map((r) => r.user_input)).toEqual(["Darude - Sandstorm", ""]);

    expect(await use("acceptRedemptions", kick.acceptRedemptions({ ids: [a.id] }))).toEqual([]);
    const failures = await use(
      "rejectRedemptions",
      kick.rejectRedemptions({ ids: [a.id, b.id, "01JD0000000000000000000101", "01JD00000000000000000000ZZ"] }),
    );
    expect(failures).toEqual([
      { id: a.id, reason: "NOT_PENDING" },
      { id: "01JD0000000000000000000101", reason: "NOT_OWNED" },
      { id: "01JD00000000000000000000ZZ", reason: "NOT_FOUND" },
    ]);
    const accepted = await kick.listRedemptions({ status: "accepted", reward_id: reward.id });
    expect(accepted.data[0]!.redemptions.map((r) => r.id)).toEqual([a.id]);
  });

  it("KICKs leaderboard: lifetime, month and week", async () => {
    const { kick } = await userClient(["kicks:read"]);
    await control("POST", "/kicks", { broadcaster_user_id: DEMO_BROADCASTER, user_id: 2004, amount: 1000 });
    const board = await use("getKicksLeaderboard", kick.getKicksLeaderboard({ top: 2 }));
    expect(board.lifetime).toEqual([
      { gifted_amount: 1000, rank: 1, user_id: 2004, username: "viewer_dave" },
      { gifted_amount: 550, rank: 2, user_id: 2001, username: "viewer_alice" },
    ]);
    expect(board.week[0]).toMatchObject({ user_id: 2004, gifted_amount: 1000 });
    expect(board.month.length).toBeGreaterThan(0);
  });

  it("event subscriptions: create (duplicates and all, as Kick does), list, delete; app tokens name the broadcaster", async () => {
    const { kick } = await userClient(["events:subscribe"]);
    const created = await use(
      "createSubscriptions",
      kick.createSubscriptions({
        method: "webhook",
        events: [
          { name: "channel.followed", version: 1 },
          { name: "channel.followed", version: 1 },
        ],
      }),
    );
    expect(created.map((r) => [r.name, typeof r.subscription_id])).toEqual([
      ["channel.followed", "string"],
      ["channel.followed", "string"],
    ]);
    const listed = await use("listSubscriptions", kick.listSubscriptions());
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatchObject({
      broadcaster_user_id: DEMO_BROADCASTER,
      event: "channel.followed",
      version: 1,
      method: "webhook",
      app_id: "emulator-client",
    });
    await use("deleteSubscriptions", kick.deleteSubscriptions({ id: [listed[0]!.id] }));
    expect(await kick.listSubscriptions()).toHaveLength(1);

    const app = createKickClient(testConfig(), staticToken((await getAppToken(testConfig())).access_token));
    const forOther = await app.createSubscriptions({
      method: "webhook",
      broadcaster_user_id: OTHER_STREAMER,
      events: [{ name: "livestream.status.updated", version: 1 }],
    });
    expect(forOther[0]!.error ?? null).toBeNull();
    expect((await app.listSubscriptions({ broadcaster_user_id: OTHER_STREAMER })).map((s) => s.event)).toEqual([
      "livestream.status.updated",
    ]);
  });

  it("public key: needs no token at all", async () => {
    const kick = createKickClient(testConfig(), null);
    const key = await use("getPublicKey", kick.getPublicKey());
    expect(key.public_key).toContain("-----BEGIN PUBLIC KEY-----");
    expect((await requestsSeen()).at(-1)).toMatchObject({ path: "/public/v1/public-key", status: 200 });
  });

  it("covered every endpoint in the table", () => {
    expect([...covered].sort()).toEqual(Object.keys(ENDPOINTS).sort());
  });
});
