import { speaker } from "../announce/speaker";
import type { KickContext } from "../announce/KickContext";
import { KICK_LIMITS } from "../kick/limits";
import type { EventType } from "../kick/schemas/events";
import { eventFacts } from "./eventFacts";
import type { Delivery } from "./readDelivery";
import { replySlots } from "../storage/rulesStore";

/** The events a chat reply can be set for, and the placeholders each one's template may use. */
export const REPLY_PLACEHOLDERS = {
  "channel.followed": ["user"],
  "channel.subscription.new": ["user", "months"],
  "channel.subscription.renewal": ["user", "months"],
  "channel.subscription.gifts": ["user", "count"],
  "kicks.gifted": ["user", "amount", "gift", "message"],
  "channel.reward.redemption.updated": ["user", "reward", "cost", "input", "status"],
} as const satisfies Partial<Record<EventType, readonly string[]>>;
export type ReplyEvent = keyof typeof REPLY_PLACEHOLDERS;
export const REPLY_EVENTS = Object.keys(REPLY_PLACEHOLDERS) as ReplyEvent[];

export type ReplyOutcome = "posted" | "cooldown" | "no_rule" | "not_new";

/**
 * Fills `{user}` and friends; the result is cut to Kick's 500 code points. Values come from
 * viewers (a redemption's input, a gift message): a leading `!` or `/` is dropped, so a
 * viewer cannot make the broadcaster's reply a command other chat bots obey.
 */
export function renderReply(template: string, vars: Record<string, string | number>): string {
  const text = template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]).replace(/^[\s!/]+/, "") : whole,
  );
  return [...text].slice(0, KICK_LIMITS.chatContentMax).join("");
}

/**
 * Posts the account's templated reply to an event, at most once per cooldown: the slot is
 * claimed in D1 first (a conditional update), so a follow storm over many isolates posts
 * once. A redemption is answered when it is made (status pending), not when it is settled.
 */
export async function replyToEvent(ctx: KickContext, delivery: Delivery): Promise<ReplyOutcome> {
  if (!(delivery.type in REPLY_PLACEHOLDERS)) return "no_rule";
  if (
    delivery.type === "channel.reward.redemption.updated" &&
    (delivery.payload as { status: string }).status !== "pending"
  )
    return "not_new";
  const claimed = await replySlots.claim(ctx.env.DB, ctx.account.id, delivery.type, ctx.now);
  // The caller saw a rule for this event: no slot means the cooldown is running.
  if (!claimed) return "cooldown";
  try {
    const kick = await speaker({ ...ctx, input: { as: claimed.as_bot ? "bot" : "broadcaster" } });
    await kick.sendChat({
      type: "user",
      broadcaster_user_id: ctx.account.id,
      content: renderReply(claimed.template, eventFacts(delivery.type, delivery.payload).vars),
    });
    return "posted";
  } catch (error) {
    // Not posted: give the slot back, so the next event can try.
    await replySlots.release(ctx.env.DB, ctx.account.id, delivery.type, ctx.now);
    throw error;
  }
}
