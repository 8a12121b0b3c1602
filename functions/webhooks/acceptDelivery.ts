import { kickConfigFromEnv } from "../../shared/kick/index";
import { TriggerError } from "../../shared/http/TriggerError";
import { errorResponse, okResponse } from "../../shared/http/respond";
import { kickPublicKey } from "../../shared/webhooks/kickPublicKey";
import { readDelivery, type Delivery } from "../../shared/webhooks/readDelivery";
import { broadcasterOf } from "../../shared/webhooks/eventFacts";
import type { WebhooksEnv } from "./WebhooksEnv";

/** Kick's bodies are a few KiB; anything far larger is not Kick. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Kick's delivery endpoint. Reads the raw body once, verifies it (a signature failure gets one
 * fresh look at Kick's key, in case Kick rotated it), records the message id in D1 (the
 * insert decides exactly once), answers 200 at once and leaves the work to `process`
 * (handed to waitUntil), so Kick never waits on chat posts or relays.
 */
export async function acceptDelivery(request: Request, env: WebhooksEnv, waitUntil: (p: Promise<unknown>) => void, process: (d: Delivery) => Promise<unknown>): Promise<Response> {
  const now = Date.now();
  try {
    if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw new TriggerError(413, "too_large", `Kick's deliveries are under ${MAX_BODY_BYTES / 1024} KiB.`);
    const rawBody = await request.text();
    if (rawBody.length > MAX_BODY_BYTES) throw new TriggerError(413, "too_large", `Kick's deliveries are under ${MAX_BODY_BYTES / 1024} KiB.`);
    const config = kickConfigFromEnv(env);
    const check = { now, maxAgeMs: (Number(env.WEBHOOK_MAX_AGE_SECONDS) || 300) * 1000 };
    const key = await kickPublicKey(env, config, now);
    let delivery: Delivery;
    try {
      delivery = await readDelivery(request.headers, rawBody, { ...check, keys: [key.key] });
    } catch (error) {
      if (!(error instanceof TriggerError) || error.code !== "bad_signature") throw error;
      const fresh = await kickPublicKey(env, config, now, true);
      if (fresh.key === key.key) throw error;
      delivery = await readDelivery(request.headers, rawBody, { ...check, keys: [fresh.key] });
    }

    const inserted = await env.DB.prepare(
      "INSERT INTO webhook_events (message_id, type, broadcaster_user_id, subscription_id, sent_at, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
    )
      .bind(delivery.messageId, delivery.type, broadcasterOf(delivery.payload), delivery.subscriptionId, delivery.sentAt, now)
      .run();
    const duplicate = inserted.meta.changes === 0;
    if (!duplicate) waitUntil(process(delivery));
    return okResponse({ accepted: true, duplicate, message_id: delivery.messageId }, "json");
  } catch (error) {
    if (!(error instanceof TriggerError)) throw error;
    console.warn(JSON.stringify({ event: "webhook_refused", code: error.code, type: request.headers.get("kick-event-type") }));
    return errorResponse(error, "json");
  }
}
