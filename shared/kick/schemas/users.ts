import * as z from "zod/mini";
import type { EndpointTable } from "../endpoints";
import { listOf, loose, UserId } from "./common";
import { KICK_LIMITS } from "../limits";

export const GetUsersInput = z.object({
  id: z.optional(listOf(UserId, 1, KICK_LIMITS.channelLookupMax)),
});

export const User = z.looseObject({
  user_id: z.int(),
  name: z.string(),
  email: loose(z.string()),
  profile_picture: loose(z.string()),
});
export type User = z.infer<typeof User>;

export const USER_ENDPOINTS = {
  getUsers: {
    method: "GET",
    path: "/public/v1/users",
    scope: null,
    input: GetUsersInput,
    output: z.array(User),
    send: "query",
  },
} as const satisfies EndpointTable;
