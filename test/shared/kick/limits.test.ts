import { beforeEach, describe, expect, it } from "vitest";
import { KickValidationError, type KickClient } from "../../../shared/kick/index";
import { control, DEMO_BROADCASTER, requestsSeen, resetEmulator } from "../../helpers/emulator";
import { userClient } from "../../helpers/kickClient";

let kick: KickClient;
beforeEach(async () => {
  await resetEmulator();
  ({ kick } = await userClient());
  await control("DELETE", "/requests");
});

const ULID = "01JD0000000000000000000101";
const ids = (n: number) => Array.from({ length: n }, (_, i) => `01JD${String(i).padStart(22, "0")}`);

/** Each documented limit (docs/kick-api.md §5.1): refused by the client, naming the field, with nothing sent. */
const cases: [string, (k: KickClient) => Promise<unknown>, string, RegExp][] = [
  [
    "chat over 500 characters",
    (k) => k.sendChat({ type: "user", broadcaster_user_id: DEMO_BROADCASTER, content: "x".repeat(501) }),
    "content",
    /at most 500/,
  ],
  [
    "chat of 501 emoji (code points, not UTF-16 units)",
    (k) => k.sendChat({ type: "user", broadcaster_user_id: DEMO_BROADCASTER, content: "🎉".repeat(501) }),
    "content",
    /at most 500/,
  ],
  [
    "empty chat",
    (k) => k.sendChat({ type: "user", broadcaster_user_id: DEMO_BROADCASTER, content: "  " }),
    "content",
    /empty/,
  ],
  [
    "user chat without a broadcaster",
    (k) => k.sendChat({ type: "user", content: "hi" }),
    "broadcaster_user_id",
    /required/,
  ],
  [
    "reply to a non-UUID",
    (k) =>
      k.sendChat({ type: "user", broadcaster_user_id: DEMO_BROADCASTER, content: "hi", reply_to_message_id: "42" }),
    "reply_to_message_id",
    /UUID/,
  ],
  [
    "timeout of 0 minutes",
    (k) => k.ban({ broadcaster_user_id: DEMO_BROADCASTER, user_id: 2001, duration: 0 }),
    "duration",
    /at least 1/,
  ],
  [
    "timeout over 7 days",
    (k) => k.ban({ broadcaster_user_id: DEMO_BROADCASTER, user_id: 2001, duration: 10_081 }),
    "duration",
    /at most 10080/,
  ],
  [
    "fractional timeout",
    (k) => k.ban({ broadcaster_user_id: DEMO_BROADCASTER, user_id: 2001, duration: 1.5 }),
    "duration",
    /integer/,
  ],
  [
    "ban reason over 100",
    (k) => k.ban({ broadcaster_user_id: DEMO_BROADCASTER, user_id: 2001, reason: "r".repeat(101) }),
    "reason",
    /at most 100/,
  ],
  [
    "11 tags",
    (k) => k.updateChannel({ custom_tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }),
    "custom_tags",
    /at most 10/,
  ],
  ["channel PATCH with nothing to change", (k) => k.updateChannel({}), "", /at least one/],
  ["empty title", (k) => k.updateChannel({ stream_title: "" }), "stream_title", /empty/],
  ["reward title over 50", (k) => k.createReward({ title: "t".repeat(51), cost: 1 }), "title", /at most 50/],
  [
    "reward description over 200",
    (k) => k.createReward({ title: "ok", cost: 1, description: "d".repeat(201) }),
    "description",
    /at most 200/,
  ],
  ["reward cost 0", (k) => k.createReward({ title: "ok", cost: 0 }), "cost", /at least 1/],
  [
    "reward colour not #rrggbb",
    (k) => k.createReward({ title: "ok", cost: 1, background_color: "green" }),
    "background_color",
    /#rrggbb/,
  ],
  ["reward update with nothing to change", (k) => k.updateReward({ id: ULID }), "", /at least one/],
  ["no redemption ids", (k) => k.acceptRedemptions({ ids: [] }), "ids", /at least 1/],
  ["26 redemption ids", (k) => k.rejectRedemptions({ ids: ids(26) }), "ids", /at most 25/],
  ["repeated redemption ids", (k) => k.acceptRedemptions({ ids: [ULID, ULID] }), "ids", /repeat/],
  ["redemption id that is not a ULID", (k) => k.acceptRedemptions({ ids: ["nope"] }), "ids.0", /ULID/],
  [
    "redemptions by id and status at once",
    (k) => k.listRedemptions({ id: [ULID], status: "pending" }),
    "id",
    /cannot be combined/,
  ],
  [
    "51 channel ids",
    (k) => k.getChannels({ broadcaster_user_id: Array.from({ length: 51 }, (_, i) => i + 1) }),
    "broadcaster_user_id",
    /at most 50/,
  ],
  ["slug over 25 characters", (k) => k.getChannels({ slug: ["s".repeat(26)] }), "slug.0", /at most 25/],
  ["ids and slugs mixed", (k) => k.getChannels({ broadcaster_user_id: [1], slug: ["a"] }), "slug", /not both/],
  ["categories limit 0", (k) => k.listCategories({ limit: 0 }), "limit", /at least 1/],
  ["categories limit 1001", (k) => k.listCategories({ limit: 1001 }), "limit", /at most 1000/],
  ["livestreams limit 1001", (k) => k.listLivestreams({ limit: 1001 }), "limit", /at most 1000/],
  [
    "26 category filters",
    (k) => k.listLivestreams({ category_id: Array.from({ length: 26 }, (_, i) => i + 1) }),
    "category_id",
    /at most 25/,
  ],
  ["v1 livestreams limit 101", (k) => k.listLivestreamsV1({ limit: 101 }), "limit", /at most 100/],
  [
    "101 users/livestreams ids",
    (k) => k.getUsersLivestreams({ user_id: Array.from({ length: 101 }, (_, i) => i + 1) }),
    "user_id",
    /at most 100/,
  ],
  ["leaderboard top 101", (k) => k.getKicksLeaderboard({ top: 101 }), "top", /at most 100/],
  ["leaderboard top 0", (k) => k.getKicksLeaderboard({ top: 0 }), "top", /at least 1/],
  [
    "unknown event type",
    (k) => k.createSubscriptions({ method: "webhook", events: [{ name: "channel.raided" as never, version: 1 }] }),
    "events.0.name",
    /one of/,
  ],
  ["v1 category search without q", (k) => k.searchCategoriesV1({ q: "" }), "q", /empty/],
  ["negative user id", (k) => k.getUsers({ id: [-1] }), "id.0", /positive/],
];

describe("documented limits are checked before sending", () => {
  it.each(cases)("%s", async (_, call, field, reason) => {
    const error = await call(kick).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KickValidationError);
    const issue = (error as KickValidationError).issues.find((i) => i.field === field);
    expect(issue, JSON.stringify((error as KickValidationError).issues)).toBeDefined();
    expect(issue!.reason).toMatch(reason);
    expect(await requestsSeen()).toEqual([]);
  });

  it("accepts the limits themselves", async () => {
    await expect(
      kick.sendChat({ type: "user", broadcaster_user_id: DEMO_BROADCASTER, content: "🎉".repeat(500) }),
    ).resolves.toMatchObject({ is_sent: true });
    await expect(
      kick.ban({ broadcaster_user_id: DEMO_BROADCASTER, user_id: 2001, duration: 10_080, reason: "r".repeat(100) }),
    ).resolves.toBeDefined();
    await expect(
      kick.updateChannel({ custom_tags: Array.from({ length: 10 }, (_, i) => `t${i}`) }),
    ).resolves.toBeUndefined();
    await expect(
      kick.createReward({ title: "t".repeat(50), cost: 1, description: "d".repeat(200) }),
    ).resolves.toMatchObject({ cost: 1 });
    await expect(kick.getKicksLeaderboard({ top: 100 })).resolves.toHaveProperty("lifetime");
  });
});

describe("the emulator enforces the same limits when a client does not", () => {
  it("answers 400 in Kick's envelope for over-long chat sent raw", async () => {
    const { tokens } = await userClient(["chat:write"]);
    const { SELF } = await import("cloudflare:test");
    const response = await SELF.fetch("http://kick.test/public/v1/chat", {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "user", broadcaster_user_id: DEMO_BROADCASTER, content: "x".repeat(501) }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      data: null,
      message: "Bad request: content: must be at most 500 characters",
    });
  });
});
