import * as z from "zod/mini";
import { KICK_LIMITS } from "../../../shared/kick/limits";
import { intBetween, nonEmptyText } from "../../../shared/kick/schemas/common";
import { defineAction } from "../settings";
import { TriggerError } from "../../../shared/http/TriggerError";
import { TIMER_LIMITS, timers, type TimerRow } from "../../../shared/storage/rulesStore";

const TimerName = z
  .string()
  .check(z.regex(/^[A-Za-z0-9 _-]{1,40}$/, "must be 1 to 40 letters, digits, spaces, - or _"));

const view = (timer: TimerRow) => ({
  name: timer.name,
  message: timer.message,
  interval_minutes: timer.interval_minutes,
  enabled: timer.enabled === 1,
  last_posted_at: timer.last_posted_at === null ? null : new Date(timer.last_posted_at).toISOString(),
});

export const listTimers = defineAction({
  name: "listTimers",
  summary: "List timed messages",
  method: "GET",
  path: "/v1/timers",
  capability: "chat",
  mutating: false,
  input: z.object({}),
  async run(ctx) {
    return (await timers.list(ctx.env.DB, ctx.account.id)).map(view);
  },
});

export const setTimer = defineAction({
  name: "setTimer",
  summary: "Create or change a timed message",
  method: "POST",
  path: "/v1/timers",
  capability: "chat",
  mutating: true,
  input: z.object({
    name: TimerName,
    message: nonEmptyText(KICK_LIMITS.chatContentMax),
    interval_minutes: intBetween(TIMER_LIMITS.minIntervalMinutes, 1440),
    enabled: z.optional(z.boolean()),
  }),
  async run(ctx) {
    const { name, message, interval_minutes, enabled = true } = ctx.input;
    const saved = await timers.save(ctx.env.DB, {
      accountId: ctx.account.id,
      name,
      message,
      intervalMinutes: interval_minutes,
      enabled,
      now: ctx.now,
    });
    if (!saved)
      throw new TriggerError(
        409,
        "timer_limit",
        `An account may have ${TIMER_LIMITS.perAccount} timers; delete one (DELETE /v1/timers/<name>) first.`,
        { limit: TIMER_LIMITS.perAccount },
      );
    return { name, message, interval_minutes, enabled };
  },
});

export const deleteTimer = defineAction({
  name: "deleteTimer",
  summary: "Delete a timed message",
  method: "DELETE",
  path: "/v1/timers/:name",
  capability: "chat",
  mutating: true,
  input: z.object({ name: TimerName }),
  async run(ctx) {
    if (!(await timers.remove(ctx.env.DB, ctx.account.id, ctx.input.name)))
      throw new TriggerError(404, "timer_not_found", `There is no timer called "${ctx.input.name}".`);
    return { deleted: ctx.input.name };
  },
});
