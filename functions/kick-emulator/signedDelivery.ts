import { ulid } from "../../shared/encoding";
import type { EventType } from "../../shared/kick/schemas/events";
import { isoAt, type Ctx } from "./context";
import { eventPayload, mergeOverrides } from "./eventPayloads";
import { signDelivery } from "./signing";

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/** One delivery as Kick sends it: a payload from the emulator's state, its headers, its signature. */
export async function signedDelivery(
  ctx: Ctx,
  type: EventType,
  broadcasterId: number,
  options: { overrides?: unknown; message_id?: string; timestamp?: string; subscription_id?: string } = {},
): Promise<SignedDelivery> {
  const body = JSON.stringify(mergeOverrides(eventPayload(ctx, type, broadcasterId), options.overrides));
  const messageId = options.message_id ?? ulid(ctx.now);
  const timestamp = options.timestamp ?? isoAt(ctx.now);
  const subscription = ctx.state.subscriptions.find((s) => s.event === type && s.broadcaster_user_id === broadcasterId);
  return {
    headers: {
      "content-type": "application/json",
      "kick-event-message-id": messageId,
      "kick-event-subscription-id": options.subscription_id ?? subscription?.id ?? ulid(ctx.now),
      "kick-event-signature": await signDelivery(ctx.state, messageId, timestamp, body),
      "kick-event-message-timestamp": timestamp,
      "kick-event-type": type,
      "kick-event-version": "1",
    },
    body,
  };
}

/**
 * What Kick does when something happens on a channel: one delivery per subscription to the
 * event (so a duplicated subscription delivers twice, with different message ids), POSTed to
 * the app's webhook URL (`settings.webhook_url`; none set, nothing is sent). Returns each
 * delivery's HTTP status, or 0 when the receiver could not be reached.
 */
export async function pushEvent(
  ctx: Ctx,
  type: EventType,
  broadcasterId: number,
  overrides: unknown,
): Promise<number[]> {
  const url = ctx.state.settings.webhook_url;
  if (!url) return [];
  const statuses: number[] = [];
  for (const subscription of ctx.state.subscriptions.filter(
    (s) => s.event === type && s.broadcaster_user_id === broadcasterId,
  )) {
    const delivery = await signedDelivery(ctx, type, broadcasterId, { overrides, subscription_id: subscription.id });
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.timeout(5_000),
      });
      await response.body?.cancel();
      statuses.push(response.status);
    } catch {
      statuses.push(0);
    }
  }
  return statuses;
}
