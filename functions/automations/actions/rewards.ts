import * as z from "zod/mini";
import {
  CreateRewardInput,
  ListRedemptionsInput,
  RedemptionIdsInput,
  UpdateRewardInput,
} from "../../../shared/kick/schemas/rewards";
import { Ulid } from "../../../shared/kick/schemas/common";
import { defineAction } from "../Action";

export const listRewards = defineAction({
  name: "listRewards",
  summary: "List channel-point rewards",
  method: "GET",
  path: "/v1/rewards",
  capability: "rewards",
  mutating: false,
  input: z.object({}),
  run: (ctx) => ctx.kick.listRewards(),
  text: (d) => d.map((r) => `${r.title} (${r.cost})`).join(", ") || "No rewards.",
});

export const createReward = defineAction({
  name: "createReward",
  summary: "Create a channel-point reward",
  method: "POST",
  path: "/v1/rewards",
  capability: "rewards",
  mutating: true,
  input: CreateRewardInput,
  run: (ctx) => ctx.kick.createReward(ctx.input),
});

export const updateReward = defineAction({
  name: "updateReward",
  summary: "Change a channel-point reward",
  method: "PATCH",
  path: "/v1/rewards/:id",
  capability: "rewards",
  mutating: true,
  input: UpdateRewardInput,
  run: (ctx) => ctx.kick.updateReward(ctx.input),
});

export const deleteReward = defineAction({
  name: "deleteReward",
  summary: "Delete a channel-point reward",
  method: "DELETE",
  path: "/v1/rewards/:id",
  capability: "rewards",
  mutating: true,
  input: z.object({ id: Ulid }),
  async run(ctx) {
    await ctx.kick.deleteReward({ id: ctx.input.id });
    return { deleted: ctx.input.id };
  },
});

export const listRedemptions = defineAction({
  name: "listRedemptions",
  summary: "List reward redemptions",
  method: "GET",
  path: "/v1/redemptions",
  capability: "rewards",
  mutating: false,
  input: ListRedemptionsInput,
  async run(ctx) {
    const page = await ctx.kick.listRedemptions(ctx.input);
    return { groups: page.data, next_cursor: page.nextCursor };
  },
});

const settle = (decision: "accept" | "reject") =>
  defineAction({
    name: `${decision}Redemptions`,
    summary: `${decision === "accept" ? "Accept" : "Reject"} reward redemptions`,
    method: "POST",
    path: `/v1/redemptions/${decision}`,
    capability: "rewards",
    mutating: true,
    input: RedemptionIdsInput,
    async run(ctx) {
      const failures = await (decision === "accept"
        ? ctx.kick.acceptRedemptions(ctx.input)
        : ctx.kick.rejectRedemptions(ctx.input));
      const failed = new Set(failures.map((f) => f.id));
      return { succeeded: ctx.input.ids.filter((id) => !failed.has(id)), failed: failures };
    },
  });

export const acceptRedemptions = settle("accept");
export const rejectRedemptions = settle("reject");
