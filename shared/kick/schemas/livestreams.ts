import * as z from "zod/mini";
import { Cursor, intBetween, listOf, loose, StringOrNumberId, UserId } from "./common";
import { CategoryRef } from "./channels";
import { KICK_LIMITS } from "../limits";

const filterIds = listOf(
  z.int().check(z.positive("must be a positive integer")),
  1,
  KICK_LIMITS.livestreamsV2FiltersMax,
);

export const ListLivestreamsInput = z.object({
  category_id: z.optional(filterIds),
  language_code: z.optional(
    listOf(z.string().check(z.minLength(2, "must be a language code")), 1, KICK_LIMITS.livestreamsV2FiltersMax),
  ),
  limit: z.optional(intBetween(KICK_LIMITS.listLimitMin, KICK_LIMITS.listLimitMax)),
  cursor: z.optional(Cursor),
});

export const ListLivestreamsV1Input = z.object({
  broadcaster_user_id: z.optional(listOf(UserId, 1, KICK_LIMITS.livestreamsV1BroadcastersMax)),
  category_id: z.optional(z.int().check(z.positive("must be a positive integer"))),
  language: z.optional(z.string()),
  limit: z.optional(intBetween(1, KICK_LIMITS.livestreamsV1LimitMax)),
  sort: z.optional(z.enum(["viewer_count", "started_at"])),
});

export const GetUsersLivestreamsInput = z.object({
  user_id: listOf(UserId, 1, KICK_LIMITS.usersLivestreamsMax),
});

export const Livestream = z.looseObject({
  id: StringOrNumberId,
  broadcaster_user: z.looseObject({ id: z.int(), username: loose(z.string()), profile_picture: loose(z.string()) }),
  channel: loose(z.looseObject({ slug: z.string() })),
  category: loose(CategoryRef),
  title: loose(z.string()),
  language_code: loose(z.string()),
  has_mature_content: loose(z.boolean()),
  started_at: loose(z.string()),
  tags: loose(z.array(z.string())),
  thumbnail: loose(z.string()),
  viewer_count: loose(z.number()),
});
export type Livestream = z.infer<typeof Livestream>;

export const LivestreamV1 = z.looseObject({
  broadcaster_user_id: z.int(),
  channel_id: loose(z.int()),
  slug: loose(z.string()),
  stream_title: loose(z.string()),
  language: loose(z.string()),
  has_mature_content: loose(z.boolean()),
  viewer_count: loose(z.number()),
  started_at: loose(z.string()),
  thumbnail: loose(z.string()),
  profile_picture: loose(z.string()),
  category: loose(CategoryRef),
  custom_tags: loose(z.array(z.string())),
});

export const LivestreamStats = z.looseObject({ total_count: z.number() });
