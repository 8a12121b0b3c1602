import { ulid } from "../../shared/encoding";
import type { EventType } from "../../shared/kick/schemas/events";
import { isoAt, type Ctx } from "./context";
import type { EmulatorState, EmulatorUser } from "./state";

/** A user as most events carry them (followers, subscribers, gifters, giftees). */
export const fullUser = (state: EmulatorState, u: EmulatorUser, identity: unknown = null) => ({
  is_anonymous: false,
  user_id: u.user_id,
  username: u.name,
  is_verified: null,
  profile_picture: u.profile_picture,
  channel_slug: state.channels.find((c) => c.broadcaster_user_id === u.user_id)?.slug ?? u.name,
  identity,
});

/**
 * A realistic body for each event type (docs/kick-api.md §4.5), built from the emulator's
 * state, with Kick's quirks: `is_verified: null`, no `identity` outside chat senders,
 * the slimmer user object on redemptions and KICKs.
 */
export function eventPayload(ctx: Ctx, type: EventType, broadcasterId: number): Record<string, unknown> {
  const { state, now } = ctx;
  const find = (id: number) => state.users.find((u) => u.user_id === id) ?? state.users[0]!;
  const channelOf = (u: EmulatorUser) => state.channels.find((c) => c.broadcaster_user_id === u.user_id);
  const full = (u: EmulatorUser, identity: unknown = null) => fullUser(state, u, identity);
  const slim = (u: EmulatorUser) => ({
    user_id: u.user_id,
    username: u.name,
    is_verified: false,
    profile_picture: u.profile_picture,
    channel_slug: channelOf(u)?.slug ?? u.name,
  });
  const broadcaster = find(broadcasterId);
  const channel = channelOf(broadcaster);
  const viewer = find(2001);
  const other = find(2002);
  const at = isoAt(now);
  const inAMonth = isoAt(now + 30 * 86_400_000);
  const category = state.categories.find((c) => c.id === channel?.category_id);

  switch (type) {
    case "chat.message.sent":
      return {
        message_id: crypto.randomUUID(),
        replies_to: null,
        broadcaster: full(broadcaster),
        sender: full(viewer, {
          username_color: "#53FC18",
          badges: [{ text: "Subscriber", type: "subscriber", count: 3 }],
        }),
        content: "hello chat [emote:37226:KEKW]",
        emotes: [{ emote_id: "37226", positions: [{ s: 11, e: 27 }] }],
        created_at: at,
      };
    case "channel.followed":
      return { broadcaster: full(broadcaster), follower: full(viewer) };
    case "channel.subscription.new":
      return {
        broadcaster: full(broadcaster),
        subscriber: full(viewer),
        duration: 1,
        created_at: at,
        expires_at: inAMonth,
      };
    case "channel.subscription.renewal":
      return {
        broadcaster: full(broadcaster),
        subscriber: full(other),
        duration: 3,
        created_at: at,
        expires_at: inAMonth,
      };
    case "channel.subscription.gifts":
      return {
        broadcaster: full(broadcaster),
        gifter: full(viewer),
        giftees: [full(other), full(find(2003))],
        created_at: at,
        expires_at: inAMonth,
      };
    case "channel.reward.redemption.updated": {
      const reward = state.rewards.find((r) => r.broadcaster_user_id === broadcasterId && !r.is_deleted);
      return {
        id: ulid(now),
        user_input: "",
        status: "pending",
        redeemed_at: at,
        reward: {
          id: reward?.id ?? ulid(now),
          title: reward?.title ?? "Hydrate!",
          cost: reward?.cost ?? 100,
          description: reward?.description ?? "",
        },
        redeemer: slim(viewer),
        broadcaster: slim(broadcaster),
      };
    }
    case "livestream.status.updated":
      return {
        broadcaster: full(broadcaster),
        is_live: channel?.is_live ?? false,
        title: channel?.stream_title ?? "",
        started_at: channel?.started_at ?? at,
        ended_at: channel?.is_live ? null : at,
      };
    case "livestream.metadata.updated":
      return {
        broadcaster: full(broadcaster),
        metadata: {
          title: channel?.stream_title ?? "",
          language: channel?.language ?? "en",
          has_mature_content: channel?.is_mature ?? false,
          category: {
            id: category?.id ?? 15,
            name: category?.name ?? "Just Chatting",
            thumbnail: category?.thumbnail ?? "",
          },
        },
      };
    case "moderation.banned":
      return {
        broadcaster: full(broadcaster),
        moderator: full(broadcaster),
        banned_user: full(find(2004)),
        metadata: { reason: "spam", created_at: at, expires_at: isoAt(now + 600_000) },
      };
    case "kicks.gifted":
      return {
        broadcaster: slim(broadcaster),
        sender: slim(viewer),
        gift: {
          amount: 100,
          name: "Full Send",
          type: "LEVEL_UP",
          tier: "MID",
          message: "let's go",
          pinned_time_seconds: 60,
        },
        created_at: at,
      };
  }
}

/** Shallow-deep merge of caller overrides into a generated payload. */
export function mergeOverrides(base: Record<string, unknown>, overrides: unknown): Record<string, unknown> {
  if (typeof overrides !== "object" || overrides === null) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overrides)) {
    if (k === "__proto__") continue;
    const current = out[k];
    out[k] =
      typeof v === "object" &&
      v !== null &&
      !Array.isArray(v) &&
      typeof current === "object" &&
      current !== null &&
      !Array.isArray(current)
        ? mergeOverrides(current as Record<string, unknown>, v)
        : v;
  }
  return out;
}
