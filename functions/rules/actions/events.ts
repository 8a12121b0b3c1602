import * as z from "zod/mini";
import { KICK_LIMITS } from "../../../shared/kick/limits";
import { As, intBetween, nonEmptyText } from "../../../shared/kick/schemas/common";
import { EVENT_TYPES } from "../../../shared/kick/schemas/events";
import { TriggerError } from "../../../shared/http/TriggerError";
import { newRelayId } from "../../../shared/webhooks/relayDeliveries";
import { NAMED_ONLY_EVENTS, RELAY_POLICY } from "../../../shared/webhooks/relayPolicy";
import { relayUrlProblem } from "../../../shared/webhooks/relayTarget";
import { eventReplies, relays } from "../../../shared/storage/rulesStore";
import { relayDeliveriesOf, requeueDeadDelivery } from "../../../shared/storage/webhookStore";
import { REPLY_EVENTS, REPLY_PLACEHOLDERS, type ReplyEvent } from "../../../shared/webhooks/replyToEvent";
import { defineAction, rulesSettings } from "../settings";

// Rules for what Kick's events set off (the webhooks Worker runs them) and where they are relayed.

const ReplyInput = z
  .object({
    event: z.enum(REPLY_EVENTS),
    template: nonEmptyText(KICK_LIMITS.chatContentMax),
    cooldown_seconds: z.optional(intBetween(0, 86_400)),
    as: As,
  })
  .check(
    z.refine(
      (v) =>
        [...v.template.matchAll(/\{(\w+)\}/g)].every((m) =>
          (REPLY_PLACEHOLDERS[v.event] as readonly string[]).includes(m[1]!),
        ),
      { message: "uses a placeholder this event lacks (GET /v1/events/replies lists them)", path: ["template"] },
    ),
  );

export const setEventReply = defineAction({
  name: "setEventReply",
  summary: "Set the chat reply to an event (follow, sub, gift, KICKs, redemption)",
  method: "POST",
  path: "/v1/events/replies",
  capability: "events",
  mutating: true,
  input: ReplyInput,
  async run(ctx) {
    const { event, template, as } = ctx.input;
    const cooldown = ctx.input.cooldown_seconds ?? 60;
    await eventReplies.save(ctx.env.DB, {
      accountId: ctx.account.id,
      event,
      template,
      cooldownSeconds: cooldown,
      asBot: as === "bot",
      now: ctx.now,
    });
    return { event, template, cooldown_seconds: cooldown, as: as ?? "broadcaster" };
  },
});

export const listEventReplies = defineAction({
  name: "listEventReplies",
  summary: "List the chat replies to events, and the placeholders each event offers",
  method: "GET",
  path: "/v1/events/replies",
  capability: "events",
  mutating: false,
  input: z.object({}),
  async run(ctx) {
    const replies = await eventReplies.list(ctx.env.DB, ctx.account.id);
    return {
      replies: replies.map((reply) => ({
        event: reply.event as ReplyEvent,
        template: reply.template,
        cooldown_seconds: reply.cooldown_seconds,
        as: reply.as_bot ? "bot" : "broadcaster",
      })),
      placeholders: REPLY_PLACEHOLDERS,
    };
  },
});

export const deleteEventReply = defineAction({
  name: "deleteEventReply",
  summary: "Stop replying to an event",
  method: "DELETE",
  path: "/v1/events/replies/:event",
  capability: "events",
  mutating: true,
  input: z.object({ event: z.enum(REPLY_EVENTS) }),
  async run(ctx) {
    if (!(await eventReplies.remove(ctx.env.DB, ctx.account.id, ctx.input.event)))
      throw new TriggerError(404, "reply_not_found", `There is no reply set for ${ctx.input.event}.`);
    return { deleted: ctx.input.event };
  },
});

const RelayEvents = z.array(z.enum([...EVENT_TYPES, "*"])).check(z.minLength(1, "name at least one event, or *"));

export const createRelay = defineAction({
  name: "createRelay",
  summary: "Relay events, signed, to a URL (Zapier, IFTTT, Streamer.bot, Firebot)",
  method: "POST",
  path: "/v1/events/relays",
  capability: "events",
  mutating: true,
  input: z.object({
    name: z.string().check(z.regex(/^[\w .-]{1,40}$/, "1 to 40 letters, digits, spaces, dots, dashes or underscores")),
    url: z.string().check(z.maxLength(2000)),
    events: z.optional(RelayEvents),
  }),
  async run(ctx) {
    const settings = rulesSettings(ctx.env);
    const problem = relayUrlProblem(ctx.input.url, settings.RELAY_HTTP_HOSTS);
    if (problem) throw new TriggerError(400, "invalid_input", `url ${problem}.`, [{ field: "url", reason: problem }]);
    // Chat messages are many; a relay gets them only when it names them (`*` leaves them out too).
    const events = ctx.input.events ?? EVENT_TYPES.filter((e) => !NAMED_ONLY_EVENTS.includes(e));
    const id = newRelayId(ctx.now);
    // The webhooks Worker signs deliveries, so it makes and seals the secret (this Worker holds no key).
    const { secret, sealed } = await ctx.env.RELAY_SECRETS.issue(id);
    const limit = settings.MAX_RELAYS_PER_ACCOUNT;
    const created = await relays.create(ctx.env.DB, {
      id,
      accountId: ctx.account.id,
      name: ctx.input.name,
      url: ctx.input.url,
      events,
      sealedSecret: sealed,
      now: ctx.now,
      limit,
    });
    if (created === "name_taken")
      throw new TriggerError(
        409,
        "relay_exists",
        `A relay called "${ctx.input.name}" exists; delete it first or pick another name.`,
        [{ field: "name", reason: "is taken by another relay of this channel: pick another name, or delete that one" }],
      );
    if (created === "limit_reached")
      throw new TriggerError(
        409,
        "relay_limit",
        `This account has ${limit} relays, the most it may have (MAX_RELAYS_PER_ACCOUNT); delete one first.`,
        { limit },
      );
    return {
      id,
      name: ctx.input.name,
      url: ctx.input.url,
      events,
      secret,
      note: "Shown once: receivers check X-Kick-Edge-Signature with it (docs/webhooks.md).",
    };
  },
});

export const rotateRelaySecret = defineAction({
  name: "rotateRelaySecret",
  summary: "Give a relay a new signing secret; the old one keeps signing beside it for a while",
  method: "POST",
  path: "/v1/events/relays/:id/rotate-secret",
  capability: "events",
  mutating: true,
  input: z.object({
    id: z.string().check(z.minLength(1)),
    // 0: the old secret stops at once (it leaked); otherwise receivers get this long to switch.
    overlap_hours: z.optional(intBetween(0, RELAY_POLICY.maxSecretOverlapHours)),
  }),
  async run(ctx) {
    const hours = ctx.input.overlap_hours ?? RELAY_POLICY.secretOverlapHours;
    const previousUntil = hours ? ctx.now + hours * 3_600_000 : null;
    // Made and sealed by the webhooks Worker, like a new relay's: this Worker holds no key.
    const { secret, sealed } = await ctx.env.RELAY_SECRETS.issue(ctx.input.id);
    const rotated = await relays.rotateSecret(ctx.env.DB, {
      accountId: ctx.account.id,
      id: ctx.input.id,
      sealedSecret: sealed,
      previousUntil,
    });
    if (!rotated) throw new TriggerError(404, "relay_not_found", `There is no relay ${ctx.input.id}.`);
    return {
      id: ctx.input.id,
      secret,
      previous_secret_until: previousUntil === null ? null : new Date(previousUntil).toISOString(),
      note: previousUntil
        ? "Shown once. Until previous_secret_until, deliveries carry two v1 signatures (new, then old): accept either (docs/webhooks.md)."
        : "Shown once. The old secret no longer signs.",
    };
  },
});

export const listRelays = defineAction({
  name: "listRelays",
  summary: "List event relays and how their deliveries went",
  method: "GET",
  path: "/v1/events/relays",
  capability: "events",
  mutating: false,
  input: z.object({}),
  async run(ctx) {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return (await relays.listWithDeliveryCounts(ctx.env.DB, ctx.account.id)).map((relay) => ({
      ...relay,
      events: JSON.parse(relay.events) as string[],
      created_at: iso(relay.created_at),
      // A disabled relay gets no new deliveries; disabled_reason says why (a 410 from its receiver).
      status: relay.disabled_at === null ? "active" : "disabled",
      disabled_at: iso(relay.disabled_at),
      // While set and in the future, deliveries are also signed with the secret before the last rotation.
      previous_secret_until: iso(relay.previous_secret_until),
    }));
  },
});

export const deleteRelay = defineAction({
  name: "deleteRelay",
  summary: "Delete an event relay (and its queued deliveries)",
  method: "DELETE",
  path: "/v1/events/relays/:id",
  capability: "events",
  mutating: true,
  input: z.object({ id: z.string().check(z.minLength(1)) }),
  async run(ctx) {
    if (!(await relays.remove(ctx.env.DB, ctx.account.id, ctx.input.id)))
      throw new TriggerError(404, "relay_not_found", `There is no relay ${ctx.input.id}.`);
    return { deleted: ctx.input.id };
  },
});

export const listRelayDeliveries = defineAction({
  name: "listRelayDeliveries",
  summary: "List relay deliveries and how their last attempt ended, as a class (status=dead: the dead letters)",
  method: "GET",
  path: "/v1/events/deliveries",
  capability: "events",
  mutating: false,
  input: z.object({
    status: z.optional(z.enum(["pending", "delivered", "dead"])),
    limit: z.optional(intBetween(1, 100)),
  }),
  async run(ctx) {
    return relayDeliveriesOf(ctx.env.DB, ctx.account.id, ctx.input.status ?? null, ctx.input.limit ?? 50);
  },
});

export const retryRelayDelivery = defineAction({
  name: "retryRelayDelivery",
  summary: "Send a dead relay delivery again",
  method: "POST",
  path: "/v1/events/deliveries/:id/retry",
  capability: "events",
  mutating: true,
  input: z.object({ id: z.string().check(z.minLength(1)) }),
  async run(ctx) {
    if (!(await requeueDeadDelivery(ctx.env.DB, ctx.account.id, ctx.input.id, ctx.now)))
      throw new TriggerError(404, "delivery_not_found", `There is no dead delivery ${ctx.input.id}.`);
    return { id: ctx.input.id, status: "pending", note: "The webhooks Worker's minute cron sends it." };
  },
});
