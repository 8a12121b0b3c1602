import * as z from "zod/mini";
import { KICK_LIMITS } from "../../../shared/kick/limits";
import { intBetween, nonEmptyText } from "../../../shared/kick/schemas/common";
import { defineAction } from "../Action";
import { TriggerError } from "../../../shared/http/TriggerError";

const TimerName = z
  .string()
  .check(z.regex(/^[A-Za-z0-9 _-]{1,40}$/, "must be 1 to 40 letters, digits, spaces, - or _"));

interface TimerRow {
  name: string;
  message: string;
  interval_minutes: number;
  enabled: number;
  last_posted_at: number | null;
}
const view = (t: TimerRow) => ({
  name: t.name,
  message: t.message,
  interval_minutes: t.interval_minutes,
  enabled: t.enabled === 1,
  last_posted_at: t.last_posted_at === null ? null : new Date(t.last_posted_at).toISOString(),
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
    const { results } = await ctx.env.DB.prepare("SELECT * FROM timers WHERE account_id = ? ORDER BY name")
      .bind(ctx.account.id)
      .all<TimerRow>();
    return results.map(view);
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
    interval_minutes: intBetween(1, 1440),
    enabled: z.optional(z.boolean()),
  }),
  async run(ctx) {
    const { name, message, interval_minutes, enabled = true } = ctx.input;
    await ctx.env.DB.prepare(
      `INSERT INTO timers (account_id, name, message, interval_minutes, enabled, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT (account_id, name) DO UPDATE SET message = ?3, interval_minutes = ?4, enabled = ?5`,
    )
      .bind(ctx.account.id, name, message, interval_minutes, enabled ? 1 : 0, ctx.now)
      .run();
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
    const deleted = await ctx.env.DB.prepare("DELETE FROM timers WHERE account_id = ? AND name = ?")
      .bind(ctx.account.id, ctx.input.name)
      .run();
    if (deleted.meta.changes === 0)
      throw new TriggerError(404, "timer_not_found", `There is no timer called "${ctx.input.name}".`);
    return { deleted: ctx.input.name };
  },
});
