import * as z from "zod/mini";
import type { EndpointTable } from "../endpoints";
import { listOf, loose, StringOrNumberId, UserId } from "./common";
import { KICK_LIMITS } from "../limits";

export const GetUsersLivestreamsInput = z.object({
  user_id: listOf(UserId, 1, KICK_LIMITS.usersLivestreamsMax),
});

/**
 * A category as livestreams, channels and the directory show it. Here, not in channels.ts:
 * the webhooks Worker reads livestreams only, and would otherwise bundle every channel schema.
 */
export const CategoryRef = z.looseObject({
  id: z.int(),
  name: loose(z.string()),
  thumbnail: loose(z.string()),
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

export const LIVESTREAM_ENDPOINTS = {
  getUsersLivestreams: {
    method: "GET",
    path: "/public/v1/users/livestreams",
    scope: null,
    input: GetUsersLivestreamsInput,
    output: z.array(Livestream),
    send: "query",
  },
} as const satisfies EndpointTable;
