import * as z from "zod/mini";
import type { EndpointTable } from "../endpoints";
import { intBetween } from "./common";
import { KICK_LIMITS } from "../limits";

export const LeaderboardInput = z.object({
  top: z.optional(intBetween(KICK_LIMITS.kicksTopMin, KICK_LIMITS.kicksTopMax)),
});

export const LeaderboardEntry = z.looseObject({
  gifted_amount: z.number(),
  rank: z.int(),
  user_id: z.int(),
  username: z.string(),
});

export const Leaderboard = z.looseObject({
  lifetime: z.array(LeaderboardEntry),
  month: z.array(LeaderboardEntry),
  week: z.array(LeaderboardEntry),
});
export type Leaderboard = z.infer<typeof Leaderboard>;

export const KICKS_ENDPOINTS = {
  getKicksLeaderboard: {
    method: "GET",
    path: "/public/v1/kicks/leaderboard",
    scope: "kicks:read",
    input: LeaderboardInput,
    output: Leaderboard,
    send: "query",
  },
} as const satisfies EndpointTable;
