import { TriggerError } from "../../shared/http/TriggerError";
import { BodyTooLargeError, readBodyLimited } from "../../shared/http/request";
import { InvocationBudget } from "../../shared/refresh/invocationBudget";
import { errorResponse, okResponse } from "../../shared/http/respond";
import { broadcasterOf } from "../../shared/webhooks/eventFacts";
import { kickPublicKey } from "../../shared/webhooks/signatures";
import { readDelivery, type Delivery } from "../../shared/webhooks/readDelivery";
import { DeliveryRefusedError, type DeliveryRefusal } from "../../shared/webhooks/errors";
import { webhookEvents } from "../../shared/storage/webhookStore";
import { charge } from "../../shared/webhooks/relayDeliveries";
import { INVOCATION_COSTS } from "../../shared/webhooks/relayPolicy";
import { intakeSettings, type WebhooksEnv } from "./settings";

/** Kick's bodies are a few KiB; anything far larger is not Kick. */
const MAX_BODY_BYTES = 64 * 1024;

/** What Kick is answered for each refusal (invalid_payload is answered 200 instead: keepUnreadable). */
export const REFUSAL_STATUS: Record<DeliveryRefusal, number> = {
  too_large: 413,
  missing_header: 400,
  bad_signature: 401,
  bad_timestamp: 400,
  stale_timestamp: 400,
  unknown_event: 400,
  invalid_payload: 400,
};

/** A refused delivery as the HTTP error Kick is answered with: the table's status, its code and words. */
export const refusalAsHttp = (error: DeliveryRefusedError) =>
  new TriggerError(REFUSAL_STATUS[error.code], error.code, error.message, error.details);

/** The body as sent, read no further than MAX_BODY_BYTES (a chunked body declares no length). */
async function rawBodyOf(request: Request): Promise<string> {
  try {
    return await readBodyLimited(request, MAX_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    throw new DeliveryRefusedError("too_large", `Kick's deliveries are under ${MAX_BODY_BYTES / 1024} KiB.`);
  }
}

/**
 * Kick's delivery endpoint. Reads the raw body once (stopping at 64 KiB), verifies it with the
 * isolate's copy of Kick's key (a signature failure gets one fresh look at Kick's key, in case
 * Kick rotated it), records the message id with the body in D1 (the insert decides exactly
 * once; the body lets the cron re-run an event whose work was lost), answers 200 at once and
 * leaves the work to `process` (handed to waitUntil), so Kick never waits on chat posts or
 * relays. The answer waits on that one insert alone: no KV, no Kick call in a warm isolate.
 * `process` gets the invocation's subrequest budget with the key lookups charged: the work
 * after the answer is part of this invocation.
 */
export async function acceptDelivery(
  request: Request,
  env: WebhooksEnv,
  waitUntil: (p: Promise<unknown>) => void,
  process: (d: Delivery, budget: InvocationBudget) => Promise<unknown>,
): Promise<Response> {
  const now = Date.now();
  try {
    const rawBody = await rawBodyOf(request);
    const { kick: config, maxAgeMs, localDevelopment } = intakeSettings(env);
    const check = { now, maxAgeMs };
    const budget = new InvocationBudget();
    charge(budget, INVOCATION_COSTS.publicKey);
    const key = await kickPublicKey(env, config, now, localDevelopment, false, waitUntil);
    let delivery: Delivery;
    try {
      delivery = await readDelivery(request.headers, rawBody, { ...check, keys: [key.key] });
    } catch (error) {
      if (!(error instanceof DeliveryRefusedError) || error.code !== "bad_signature") throw error;
      charge(budget, INVOCATION_COSTS.publicKey);
      const fresh = await kickPublicKey(env, config, now, localDevelopment, true);
      if (fresh.key === key.key) throw error;
      delivery = await readDelivery(request.headers, rawBody, { ...check, keys: [fresh.key] });
    }

    const duplicate = !(await webhookEvents.recordAccepted(env.DB, {
      messageId: delivery.messageId,
      type: delivery.type,
      broadcasterUserId: broadcasterOf(delivery.payload),
      subscriptionId: delivery.subscriptionId,
      sentAt: delivery.sentAt,
      receivedAt: now,
      rawBody,
    }));
    if (!duplicate) waitUntil(process(delivery, budget));
    return okResponse({ accepted: true, duplicate, message_id: delivery.messageId }, "json");
  } catch (error) {
    if (!(error instanceof DeliveryRefusedError)) throw error;
    if (error.code === "invalid_payload") return keepUnreadable(request.headers, env, now, error);
    console.warn(
      JSON.stringify({ event: "webhook_refused", code: error.code, type: request.headers.get("kick-event-type") }),
    );
    return errorResponse(refusalAsHttp(error), "json");
  }
}

/**
 * A delivery signed by Kick whose body our schema does not accept: Kick changed a payload.
 * Refusing it would have Kick retry, then unsubscribe us after a day; so it is recorded (with
 * what did not match, for whoever updates the schema), logged loudly, and answered 200.
 */
async function keepUnreadable(
  headers: Headers,
  env: WebhooksEnv,
  now: number,
  error: DeliveryRefusedError,
): Promise<Response> {
  const messageId = headers.get("kick-event-message-id")!;
  const type = headers.get("kick-event-type")!;
  await webhookEvents.recordUnreadable(env.DB, {
    messageId,
    type,
    sentAt: Date.parse(headers.get("kick-event-message-timestamp")!),
    receivedAt: now,
    outcome: JSON.stringify({ invalid_payload: error.details ?? error.message }),
  });
  console.error(
    JSON.stringify({ event: "webhook_payload_not_understood", type, message_id: messageId, details: error.details }),
  );
  return okResponse(
    { accepted: false, duplicate: false, message_id: messageId, reason: "invalid_payload", details: error.details },
    "json",
  );
}
