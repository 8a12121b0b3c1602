import * as z from "zod/mini";
import { listOf, loose, Ulid, UserId } from "./common";

/** The 10 event types Kick delivers, all at version 1 (kick-api.md §0.6). */
export const EVENT_TYPES = [
  "chat.message.sent",
  "channel.followed",
  "channel.subscription.new",
  "channel.subscription.renewal",
  "channel.subscription.gifts",
  "channel.reward.redemption.updated",
  "livestream.status.updated",
  "livestream.metadata.updated",
  "moderation.banned",
  "kicks.gifted",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EventName = z.enum(EVENT_TYPES);

export const ListSubscriptionsInput = z.object({ broadcaster_user_id: z.optional(UserId) });

export const CreateSubscriptionsInput = z.object({
  broadcaster_user_id: z.optional(UserId),
  events: listOf(
    z.object({ name: EventName, version: z.int().check(z.positive("must be a positive integer")) }),
    1,
    EVENT_TYPES.length,
  ),
  method: z.literal("webhook"),
});

export const DeleteSubscriptionsInput = z.object({ id: listOf(Ulid, 1, 50) });

export const Subscription = z.looseObject({
  id: z.string(),
  app_id: loose(z.string()),
  broadcaster_user_id: z.int(),
  event: z.string(),
  version: z.int(),
  method: loose(z.string()),
  created_at: loose(z.string()),
  updated_at: loose(z.string()),
});
export type Subscription = z.infer<typeof Subscription>;

/** One entry per requested event; a per-entry `error` is how Kick reports a partial failure. */
export const SubscriptionResult = z.looseObject({
  name: z.string(),
  version: z.int(),
  subscription_id: loose(z.string()),
  error: loose(z.string()),
});
