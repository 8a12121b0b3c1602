import * as z from "zod/mini";
import { loose, StringOrNumberId } from "./common";

/**
 * Webhook bodies (docs/kick-api.md §4.5). Every user field is nullable or optional: real
 * deliveries carry `is_verified: null` and omit `identity`; anonymous gifters are all null.
 */
const Badge = z.looseObject({ text: loose(z.string()), type: loose(z.string()), count: loose(z.number()) });

export const EventUser = z.looseObject({
  is_anonymous: loose(z.boolean()),
  user_id: loose(z.int()),
  username: loose(z.string()),
  is_verified: loose(z.boolean()),
  profile_picture: loose(z.string()),
  channel_slug: loose(z.string()),
  identity: loose(z.looseObject({ username_color: loose(z.string()), badges: loose(z.array(Badge)) })),
});
export type EventUser = z.infer<typeof EventUser>;

const Emote = z.looseObject({
  emote_id: StringOrNumberId,
  positions: z.array(z.looseObject({ s: z.number(), e: z.number() })),
});

const SubscriptionBody = z.looseObject({
  broadcaster: EventUser,
  subscriber: EventUser,
  duration: z.number(),
  created_at: loose(z.string()),
  expires_at: loose(z.string()),
});

export const WEBHOOK_PAYLOADS = {
  "chat.message.sent": z.looseObject({
    message_id: z.string(),
    replies_to: loose(z.looseObject({ message_id: z.string(), content: loose(z.string()), sender: loose(EventUser) })),
    broadcaster: EventUser,
    sender: EventUser,
    content: z.string(),
    emotes: loose(z.array(Emote)),
    created_at: loose(z.string()),
  }),
  "channel.followed": z.looseObject({ broadcaster: EventUser, follower: EventUser }),
  "channel.subscription.new": SubscriptionBody,
  "channel.subscription.renewal": SubscriptionBody,
  "channel.subscription.gifts": z.looseObject({
    broadcaster: EventUser,
    gifter: EventUser,
    giftees: z.array(EventUser),
    created_at: loose(z.string()),
    expires_at: loose(z.string()),
  }),
  "channel.reward.redemption.updated": z.looseObject({
    id: z.string(),
    user_input: loose(z.string()),
    status: z.enum(["pending", "accepted", "rejected"]),
    redeemed_at: loose(z.string()),
    reward: z.looseObject({ id: z.string(), title: z.string(), cost: z.number(), description: loose(z.string()) }),
    redeemer: EventUser,
    broadcaster: EventUser,
  }),
  "livestream.status.updated": z.looseObject({
    broadcaster: EventUser,
    is_live: z.boolean(),
    title: loose(z.string()),
    started_at: loose(z.string()),
    ended_at: loose(z.string()),
  }),
  "livestream.metadata.updated": z.looseObject({
    broadcaster: EventUser,
    metadata: z.looseObject({
      title: loose(z.string()),
      language: loose(z.string()),
      has_mature_content: loose(z.boolean()),
      category: loose(z.looseObject({ id: z.int(), name: loose(z.string()), thumbnail: loose(z.string()) })),
    }),
  }),
  "moderation.banned": z.looseObject({
    broadcaster: EventUser,
    moderator: EventUser,
    banned_user: EventUser,
    metadata: z.looseObject({
      reason: loose(z.string()),
      created_at: loose(z.string()),
      expires_at: loose(z.string()),
    }),
  }),
  "kicks.gifted": z.looseObject({
    broadcaster: EventUser,
    sender: EventUser,
    gift: z.looseObject({
      amount: z.int(),
      name: loose(z.string()),
      type: loose(z.string()),
      tier: loose(z.string()),
      message: loose(z.string()),
      pinned_time_seconds: loose(z.int()),
    }),
    created_at: loose(z.string()),
  }),
} satisfies Record<string, z.ZodMiniType>;

export type WebhookPayload<T extends keyof typeof WEBHOOK_PAYLOADS> = z.infer<(typeof WEBHOOK_PAYLOADS)[T]>;
