import * as z from "zod/mini";
import { KICK_LIMITS } from "../../../shared/kick/limits";
import { intBetween, maxText, UserId } from "../../../shared/kick/schemas/common";
import { defineAction, type AutomationsContext } from "../Action";
import { TriggerError } from "../../../shared/http/TriggerError";

/** The target: a Kick user id, or a username found through the channels lookup (slug). */
const Target = z
  .object({
    user_id: z.optional(UserId),
    user: z.optional(z.string().check(z.regex(/^@?[A-Za-z0-9_-]{1,25}$/, "must be a Kick username"))),
  })
  .check(
    z.refine((v) => (v.user_id === undefined) !== (v.user === undefined), {
      message: "give user (a username) or user_id, exactly one",
      path: ["user"],
    }),
  );

async function targetId(ctx: AutomationsContext<{ user_id?: number; user?: string }>): Promise<number> {
  if (ctx.input.user_id !== undefined) return ctx.input.user_id;
  const name = ctx.input.user!.replace(/^@/, "").toLowerCase();
  const slugs = [...new Set([name, name.replace(/_/g, "-")])];
  const [channel] = await ctx.kick.getChannels({ slug: slugs });
  if (!channel)
    throw new TriggerError(404, "user_not_found", `No Kick user called "${ctx.input.user}".`, { field: "user" });
  return channel.broadcaster_user_id;
}

const reason = z.optional(maxText(KICK_LIMITS.banReasonMax));

export const ban = defineAction({
  name: "ban",
  summary: "Ban a chatter",
  method: "POST",
  path: "/v1/ban",
  capability: "moderation",
  mutating: true,
  allowGet: true,
  input: z.extend(Target, { reason }),
  async run(ctx) {
    const user_id = await targetId(ctx);
    await ctx.kick.ban({ broadcaster_user_id: ctx.account.id, user_id, reason: ctx.input.reason });
    return { banned: user_id };
  },
  text: () => "Banned.",
});

export const timeout = defineAction({
  name: "timeout",
  summary: "Time out a chatter",
  method: "POST",
  path: "/v1/timeout",
  capability: "moderation",
  mutating: true,
  allowGet: true,
  input: z.extend(Target, {
    minutes: intBetween(KICK_LIMITS.timeoutMinutesMin, KICK_LIMITS.timeoutMinutesMax),
    reason,
  }),
  async run(ctx) {
    const user_id = await targetId(ctx);
    await ctx.kick.ban({
      broadcaster_user_id: ctx.account.id,
      user_id,
      duration: ctx.input.minutes,
      reason: ctx.input.reason,
    });
    return { timed_out: user_id, minutes: ctx.input.minutes };
  },
  text: (d) => `Timed out for ${d.minutes} minutes.`,
});

export const unban = defineAction({
  name: "unban",
  summary: "Unban a chatter",
  method: "POST",
  path: "/v1/unban",
  capability: "moderation",
  mutating: true,
  allowGet: true,
  input: Target,
  async run(ctx) {
    const user_id = await targetId(ctx);
    await ctx.kick.unban({ broadcaster_user_id: ctx.account.id, user_id });
    return { unbanned: user_id };
  },
  text: () => "Unbanned.",
});
