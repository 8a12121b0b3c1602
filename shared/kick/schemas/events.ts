import * as z from "zod/mini";
import type { EndpointTable } from "../endpoints";
import { listOf, loose, Ulid, UserId } from "./common";
import eventTypes from "../eventTypes.json";
import type { WEBHOOK_PAYLOADS } from "./webhookPayloads";

/**
 * The event types Kick delivers, all at version 1 (docs/kick-api.md §0.6). The names live in
 * eventTypes.json so that scripts/kick.mjs reads the same list without a TypeScript build;
 * the type comes from the payload table, which has one schema per type.
 */
export type EventType = keyof typeof WEBHOOK_PAYLOADS;
export const EVENT_TYPES = eventTypes as readonly EventType[];

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

export const EVENT_ENDPOINTS = {
  listSubscriptions: {
    method: "GET",
    path: "/public/v1/events/subscriptions",
    scope: "events:subscribe",
    input: ListSubscriptionsInput,
    output: z.array(Subscription),
    send: "query",
  },
  createSubscriptions: {
    method: "POST",
    path: "/public/v1/events/subscriptions",
    scope: "events:subscribe",
    input: CreateSubscriptionsInput,
    output: z.array(SubscriptionResult),
    send: "json",
    retry: false,
  },
  deleteSubscriptions: {
    method: "DELETE",
    path: "/public/v1/events/subscriptions",
    scope: "events:subscribe",
    input: DeleteSubscriptionsInput,
    output: null,
    send: "query",
  },
} as const satisfies EndpointTable;
