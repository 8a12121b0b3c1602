import * as z from "zod/mini";
import type { EndpointTable } from "../endpoints";
import { intBetween, maxText, UserId } from "./common";
import { KICK_LIMITS } from "../limits";

/** One endpoint does both: with `duration` (minutes) it is a timeout, without it a ban. */
export const BanInput = z.object({
  broadcaster_user_id: UserId,
  user_id: UserId,
  duration: z.optional(intBetween(KICK_LIMITS.timeoutMinutesMin, KICK_LIMITS.timeoutMinutesMax)),
  reason: z.optional(maxText(KICK_LIMITS.banReasonMax)),
});

export const UnbanInput = z.object({ broadcaster_user_id: UserId, user_id: UserId });

export const MODERATION_ENDPOINTS = {
  ban: {
    method: "POST",
    path: "/public/v1/moderation/bans",
    scope: "moderation:ban",
    input: BanInput,
    output: z.unknown(),
    send: "json",
    retry: false,
  },
  unban: {
    method: "DELETE",
    path: "/public/v1/moderation/bans",
    scope: "moderation:ban",
    input: UnbanInput,
    output: z.unknown(),
    send: "json",
  },
} as const satisfies EndpointTable;
