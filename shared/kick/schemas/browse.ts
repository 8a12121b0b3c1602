import * as z from "zod/mini";
import type { EndpointTable } from "../endpoints";
import { Category } from "./categories";
import { Cursor, Empty, intBetween, listOf, loose, UserId } from "./common";
import { CategoryRef, Livestream } from "./livestreams";
import { KICK_LIMITS } from "../limits";

// Kick's public directory (anyone's streams, category search): no Worker reads it, so it
// lives apart from the endpoints they call and stays out of their bundles; the emulator serves it.

export const SearchCategoriesInput = z.object({
  q: z.string().check(z.minLength(1, "must not be empty")),
  page: z.optional(z.int().check(z.positive("must be a positive integer"))),
});

export const GetCategoryInput = z.object({
  category_id: z.int().check(z.positive("must be a positive integer")),
});

export const CategoryDetail = z.looseObject({
  id: z.int(),
  name: z.string(),
  thumbnail: loose(z.string()),
  tags: loose(z.array(z.string())),
  viewer_count: loose(z.number()),
});

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

export const BROWSE_ENDPOINTS = {
  searchCategoriesV1: {
    method: "GET",
    path: "/public/v1/categories",
    scope: null,
    input: SearchCategoriesInput,
    output: z.array(Category),
    send: "query",
  },
  getCategoryV1: {
    method: "GET",
    path: "/public/v1/categories/{category_id}",
    scope: null,
    input: GetCategoryInput,
    output: CategoryDetail,
    send: "query",
  },
  listLivestreams: {
    method: "GET",
    path: "/public/v2/livestreams",
    scope: null,
    input: ListLivestreamsInput,
    output: z.array(Livestream),
    send: "query",
    paginated: true,
  },
  listLivestreamsV1: {
    method: "GET",
    path: "/public/v1/livestreams",
    scope: null,
    input: ListLivestreamsV1Input,
    output: z.array(LivestreamV1),
    send: "query",
  },
  getLivestreamStats: {
    method: "GET",
    path: "/public/v1/livestreams/stats",
    scope: null,
    input: Empty,
    output: LivestreamStats,
    send: "query",
  },
} as const satisfies EndpointTable;
