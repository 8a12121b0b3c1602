import type { Delivery } from "./readDelivery";
import { broadcasterOf, eventFacts } from "./eventFacts";

/**
 * The event as relays receive it: the same shape for every type, documented in
 * docs/webhooks.md. `value1..3` are there because IFTTT's Maker webhooks read only those.
 */
export function normalizeEvent(d: Delivery) {
  const facts = eventFacts(d.type, d.payload);
  const broadcaster = d.payload.broadcaster;
  return {
    id: d.messageId,
    type: d.type,
    version: d.version,
    sent_at: new Date(d.sentAt).toISOString(),
    broadcaster: {
      user_id: broadcasterOf(d.payload),
      username: broadcaster?.username ?? null,
      channel_slug: broadcaster?.channel_slug ?? null,
    },
    actor: facts.actor,
    text: facts.text,
    value1: d.type,
    value2: facts.actor?.username ?? "",
    value3: facts.text,
    data: d.payload,
  };
}
export type NormalizedEvent = ReturnType<typeof normalizeEvent>;
