import type { EventType } from "../kick/schemas/events";
import type { EventUser, WebhookPayload } from "../kick/schemas/webhookPayloads";

export interface EventFacts {
  /** Who did it (the follower, the gifter…); null for an anonymous gifter. */
  actor: { user_id: number | null; username: string } | null;
  /** One line a person can read, e.g. "viewer_alice followed". */
  text: string;
  /** What a reply template may use, as `{name}`. */
  vars: Record<string, string | number>;
}

const who = (u: EventUser | null | undefined) =>
  u && !u.is_anonymous && u.username ? { user_id: u.user_id ?? null, username: u.username } : null;
const name = (u: EventUser | null | undefined) => who(u)?.username ?? "Anonymous";

type Facts = { [T in EventType]: (p: WebhookPayload<T>) => EventFacts };

/** Per event type, who acted, in words, and the reply-template placeholders: one table, read by replies and relays. */
export const EVENT_FACTS: Facts = {
  "chat.message.sent": (p) => ({
    actor: who(p.sender),
    text: `${name(p.sender)}: ${p.content}`,
    vars: { user: name(p.sender), message: p.content },
  }),
  "channel.followed": (p) => ({
    actor: who(p.follower),
    text: `${name(p.follower)} followed`,
    vars: { user: name(p.follower) },
  }),
  "channel.subscription.new": (p) => ({
    actor: who(p.subscriber),
    text: `${name(p.subscriber)} subscribed`,
    vars: { user: name(p.subscriber), months: p.duration },
  }),
  "channel.subscription.renewal": (p) => ({
    actor: who(p.subscriber),
    text: `${name(p.subscriber)} resubscribed (${p.duration} months)`,
    vars: { user: name(p.subscriber), months: p.duration },
  }),
  "channel.subscription.gifts": (p) => ({
    actor: who(p.gifter),
    text: `${name(p.gifter)} gifted ${p.giftees.length} sub${p.giftees.length === 1 ? "" : "s"}`,
    vars: { user: name(p.gifter), count: p.giftees.length },
  }),
  "channel.reward.redemption.updated": (p) => ({
    actor: who(p.redeemer),
    text: `${name(p.redeemer)} redeemed ${p.reward.title} (${p.status})`,
    vars: {
      user: name(p.redeemer),
      reward: p.reward.title,
      cost: p.reward.cost,
      input: p.user_input ?? "",
      status: p.status,
    },
  }),
  "livestream.status.updated": (p) => ({
    actor: who(p.broadcaster),
    text: p.is_live ? `${name(p.broadcaster)} went live: ${p.title ?? ""}` : `${name(p.broadcaster)} ended the stream`,
    vars: { title: p.title ?? "", live: String(p.is_live) },
  }),
  "livestream.metadata.updated": (p) => ({
    actor: who(p.broadcaster),
    text: `${name(p.broadcaster)} changed the stream info: ${p.metadata.title ?? ""} (${p.metadata.category?.name ?? ""})`,
    vars: { title: p.metadata.title ?? "", category: p.metadata.category?.name ?? "" },
  }),
  "moderation.banned": (p) => ({
    actor: who(p.banned_user),
    text: `${name(p.banned_user)} was ${p.metadata.expires_at ? "timed out" : "banned"} by ${name(p.moderator)}`,
    vars: { user: name(p.banned_user), moderator: name(p.moderator), reason: p.metadata.reason ?? "" },
  }),
  "kicks.gifted": (p) => ({
    actor: who(p.sender),
    text: `${name(p.sender)} gifted ${p.gift.amount} KICKs`,
    vars: { user: name(p.sender), amount: p.gift.amount, gift: p.gift.name ?? "", message: p.gift.message ?? "" },
  }),
};

export const eventFacts = <T extends EventType>(type: T, payload: WebhookPayload<T>): EventFacts =>
  (EVENT_FACTS[type] as (p: WebhookPayload<T>) => EventFacts)(payload);

/** The broadcaster a payload is about (every event type carries one). */
export const broadcasterOf = (payload: { broadcaster?: EventUser | null }) => payload.broadcaster?.user_id ?? null;
