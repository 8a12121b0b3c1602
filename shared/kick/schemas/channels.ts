import * as z from "zod/mini";
import type { EndpointTable } from "../endpoints";
import { listOf, loose, nonEmptyText, UserId } from "./common";
import { CategoryRef } from "./livestreams";
import { KICK_LIMITS } from "../limits";

const Slug = z
  .string()
  .check(
    z.minLength(1, "must not be empty"),
    z.maxLength(KICK_LIMITS.channelSlugMax, `must be at most ${KICK_LIMITS.channelSlugMax} characters`),
  );

export const GetChannelsInput = z
  .object({
    broadcaster_user_id: z.optional(listOf(UserId, 1, KICK_LIMITS.channelLookupMax)),
    slug: z.optional(listOf(Slug, 1, KICK_LIMITS.channelLookupMax)),
  })
  .check(
    z.refine((v) => !(v.broadcaster_user_id && v.slug), {
      message: "give broadcaster_user_id or slug, not both",
      path: ["slug"],
    }),
  );

/** Kick's title limit is undocumented; 140 is generous and keeps obviously broken input out. */
export const STREAM_TITLE_MAX = 140;

export const UpdateChannelInput = z
  .object({
    category_id: z.optional(z.int().check(z.positive("must be a positive integer"))),
    stream_title: z.optional(nonEmptyText(STREAM_TITLE_MAX)),
    custom_tags: z.optional(
      z
        .array(nonEmptyText(100))
        .check(z.maxLength(KICK_LIMITS.customTagsMax, `takes at most ${KICK_LIMITS.customTagsMax}`)),
    ),
  })
  .check(
    z.refine((v) => v.category_id !== undefined || v.stream_title !== undefined || v.custom_tags !== undefined, {
      message: "give at least one of category_id, stream_title, custom_tags",
      path: [],
    }),
  );

/** An offline channel still carries a `stream` with zero values; some SDKs see null. */
export const ChannelStream = z.looseObject({
  url: loose(z.string()),
  key: loose(z.string()),
  is_live: loose(z.boolean()),
  is_mature: loose(z.boolean()),
  language: loose(z.string()),
  start_time: loose(z.string()),
  viewer_count: loose(z.number()),
  thumbnail: loose(z.string()),
  custom_tags: loose(z.array(z.string())),
});

export const Channel = z.looseObject({
  broadcaster_user_id: z.int(),
  slug: z.string(),
  channel_description: loose(z.string()),
  banner_picture: loose(z.string()),
  stream_title: loose(z.string()),
  category: loose(CategoryRef),
  stream: loose(ChannelStream),
  active_subscribers_count: loose(z.number()),
  canceled_subscribers_count: loose(z.number()),
});
export type Channel = z.infer<typeof Channel>;

/** `true` only for a stream Kick reports live with a real start time (offline ones are zero-valued). */
export function isChannelLive(channel: Channel): boolean {
  return channel.stream?.is_live === true;
}

export const CHANNEL_ENDPOINTS = {
  getChannels: {
    method: "GET",
    path: "/public/v1/channels",
    scope: null,
    input: GetChannelsInput,
    output: z.array(Channel),
    send: "query",
  },
  updateChannel: {
    method: "PATCH",
    path: "/public/v1/channels",
    scope: "channel:write",
    input: UpdateChannelInput,
    output: null,
    send: "json",
  },
} as const satisfies EndpointTable;
