import * as z from "zod/mini";
import type { EndpointTable } from "../endpoints";
import { Cursor, Empty, listOf, loose, maxText, nonEmptyText, Ulid } from "./common";
import { KICK_LIMITS } from "../limits";

const rewardFields = {
  title: nonEmptyText(KICK_LIMITS.rewardTitleMax),
  cost: z.int().check(z.gte(KICK_LIMITS.rewardCostMin, `must be at least ${KICK_LIMITS.rewardCostMin}`)),
  description: maxText(KICK_LIMITS.rewardDescriptionMax),
  background_color: z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/, "must be a #rrggbb colour")),
  is_enabled: z.boolean(),
  is_user_input_required: z.boolean(),
  should_redemptions_skip_request_queue: z.boolean(),
};

export const CreateRewardInput = z.object({
  title: rewardFields.title,
  cost: rewardFields.cost,
  description: z.optional(rewardFields.description),
  background_color: z.optional(rewardFields.background_color),
  is_enabled: z.optional(rewardFields.is_enabled),
  is_user_input_required: z.optional(rewardFields.is_user_input_required),
  should_redemptions_skip_request_queue: z.optional(rewardFields.should_redemptions_skip_request_queue),
});

export const UpdateRewardInput = z
  .object({
    id: Ulid,
    title: z.optional(rewardFields.title),
    cost: z.optional(rewardFields.cost),
    description: z.optional(rewardFields.description),
    background_color: z.optional(rewardFields.background_color),
    is_enabled: z.optional(rewardFields.is_enabled),
    is_paused: z.optional(z.boolean()),
    is_user_input_required: z.optional(rewardFields.is_user_input_required),
    should_redemptions_skip_request_queue: z.optional(rewardFields.should_redemptions_skip_request_queue),
  })
  .check(
    z.refine((v) => Object.keys(v).some((k) => k !== "id" && v[k as keyof typeof v] !== undefined), {
      message: "give at least one field to change",
      path: [],
    }),
  );

export const RewardIdInput = z.object({ id: Ulid });

export const Reward = z.looseObject({
  id: z.string(),
  title: z.string(),
  description: loose(z.string()),
  cost: z.number(),
  background_color: loose(z.string()),
  is_enabled: loose(z.boolean()),
  is_paused: loose(z.boolean()),
  is_user_input_required: loose(z.boolean()),
  should_redemptions_skip_request_queue: loose(z.boolean()),
});
export type Reward = z.infer<typeof Reward>;

export const REDEMPTION_STATUSES = ["pending", "accepted", "rejected"] as const;

export const ListRedemptionsInput = z
  .object({
    reward_id: z.optional(Ulid),
    status: z.optional(z.enum(REDEMPTION_STATUSES)),
    id: z.optional(listOf(Ulid, 1, 50)),
    cursor: z.optional(Cursor),
  })
  .check(
    z.refine((v) => !(v.id && (v.reward_id || v.status)), {
      message: "cannot be combined with reward_id or status",
      path: ["id"],
    }),
  );

export const RedemptionIdsInput = z.object({
  ids: listOf(Ulid, KICK_LIMITS.redemptionIdsMin, KICK_LIMITS.redemptionIdsMax).check(
    z.refine((ids) => new Set(ids).size === ids.length, "must not repeat an id"),
  ),
});

export const RedemptionGroup = z.looseObject({
  reward: z.looseObject({
    id: z.string(),
    title: loose(z.string()),
    description: loose(z.string()),
    cost: loose(z.number()),
    can_manage: loose(z.boolean()),
    is_deleted: loose(z.boolean()),
  }),
  redemptions: z.array(
    z.looseObject({
      id: z.string(),
      redeemed_at: loose(z.string()),
      redeemer: loose(z.looseObject({ user_id: z.int() })),
      status: z.string(),
      user_input: loose(z.string()),
    }),
  ),
});

/** Accept/reject answer only the failures; an empty list means every id succeeded. */
export const RedemptionFailure = z.looseObject({ id: z.string(), reason: z.string() });

export const REWARD_ENDPOINTS = {
  listRewards: {
    method: "GET",
    path: "/public/v1/channels/rewards",
    scope: "channel:rewards:read",
    input: Empty,
    output: z.array(Reward),
    send: "query",
  },
  createReward: {
    method: "POST",
    path: "/public/v1/channels/rewards",
    scope: "channel:rewards:write",
    input: CreateRewardInput,
    output: Reward,
    send: "json",
    retry: false,
  },
  updateReward: {
    method: "PATCH",
    path: "/public/v1/channels/rewards/{id}",
    scope: "channel:rewards:write",
    input: UpdateRewardInput,
    output: Reward,
    send: "json",
  },
  deleteReward: {
    method: "DELETE",
    path: "/public/v1/channels/rewards/{id}",
    scope: "channel:rewards:write",
    input: RewardIdInput,
    output: null,
    send: "query",
  },
  listRedemptions: {
    method: "GET",
    path: "/public/v1/channels/rewards/redemptions",
    scope: "channel:rewards:read",
    input: ListRedemptionsInput,
    output: z.array(RedemptionGroup),
    send: "query",
    paginated: true,
  },
  acceptRedemptions: {
    method: "POST",
    path: "/public/v1/channels/rewards/redemptions/accept",
    scope: "channel:rewards:write",
    input: RedemptionIdsInput,
    output: z.array(RedemptionFailure),
    send: "json",
    retry: false,
  },
  rejectRedemptions: {
    method: "POST",
    path: "/public/v1/channels/rewards/redemptions/reject",
    scope: "channel:rewards:write",
    input: RedemptionIdsInput,
    output: z.array(RedemptionFailure),
    send: "json",
    retry: false,
  },
} as const satisfies EndpointTable;
