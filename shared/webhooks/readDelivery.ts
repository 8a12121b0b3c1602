import * as z from "zod/mini";
import { describeIssues } from "../validation/describeIssues";
import { DeliveryRefusedError } from "./errors";
import { EVENT_TYPES, type EventType } from "../kick/schemas/events";
import { WEBHOOK_PAYLOADS, type WebhookPayload } from "../kick/schemas/webhookPayloads";
import { signedDeliveryFrom, verifyKickSignature } from "./signatures";

export interface Delivery<T extends EventType = EventType> {
  messageId: string;
  subscriptionId: string | null;
  type: T;
  version: 1;
  /** Kick-Event-Message-Timestamp, ms: when Kick sent it. */
  sentAt: number;
  rawBody: string;
  payload: WebhookPayload<T>;
}

export interface DeliveryCheck {
  /** The keys a signature may verify with (Kick's current key first). */
  keys: CryptoKey[];
  now: number;
  /** How far the message timestamp may be from now, either way. */
  maxAgeMs: number;
}

const HEADERS = [
  "kick-event-message-id",
  "kick-event-message-timestamp",
  "kick-event-signature",
  "kick-event-type",
  "kick-event-version",
] as const;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/**
 * Checks one Kick delivery, in the order that tells a forger least: headers present, the
 * signature over the raw body, the timestamp window, a known type and version, then the
 * payload against its schema. Throws a DeliveryRefusedError naming what failed; never looks
 * at the body's content before the signature holds.
 */
export async function readDelivery(headers: Headers, rawBody: string, check: DeliveryCheck): Promise<Delivery> {
  const missing = HEADERS.filter((h) => !headers.get(h));
  if (missing.length)
    throw new DeliveryRefusedError(
      "missing_header",
      `Not a Kick delivery: missing ${missing.join(", ")}.`,
      missing.map((h) => ({ field: h, reason: "required" })),
    );

  const signed = signedDeliveryFrom(headers, rawBody);
  let valid = false;
  for (const key of check.keys) if (!valid) valid = await verifyKickSignature(key, signed);
  if (!valid)
    throw new DeliveryRefusedError(
      "bad_signature",
      "Kick-Event-Signature does not verify with Kick's public key over this body.",
    );

  const stamp = headers.get("kick-event-message-timestamp")!;
  const sentAt = RFC3339.test(stamp) ? Date.parse(stamp) : NaN;
  if (Number.isNaN(sentAt))
    throw new DeliveryRefusedError("bad_timestamp", "Kick-Event-Message-Timestamp is not an RFC 3339 time.", [
      { field: "kick-event-message-timestamp", reason: "not RFC 3339" },
    ]);
  if (Math.abs(check.now - sentAt) > check.maxAgeMs) {
    throw new DeliveryRefusedError(
      "stale_timestamp",
      `The delivery was sent at ${stamp}, more than ${check.maxAgeMs / 1000} s from now; refused as a possible replay.`,
      [{ field: "kick-event-message-timestamp", reason: "outside the accepted window" }],
    );
  }

  const type = headers.get("kick-event-type")!;
  const version = headers.get("kick-event-version")!;
  if (!(EVENT_TYPES as readonly string[]).includes(type) || version !== "1") {
    throw new DeliveryRefusedError(
      "unknown_event",
      `Event ${type} version ${version} is not one this Worker handles.`,
      [{ field: "kick-event-type", reason: `known: ${EVENT_TYPES.join(", ")}, version 1` }],
    );
  }

  const payload = parsePayload(type as EventType, rawBody);
  return {
    messageId: headers.get("kick-event-message-id")!,
    subscriptionId: headers.get("kick-event-subscription-id"),
    type: type as EventType,
    version: 1,
    sentAt,
    rawBody,
    payload,
  };
}

/**
 * A body as its type's schema reads it (tolerant of Kick's nulls), or a DeliveryRefusedError
 * (invalid_payload) naming the fields that did not match.
 */
export function parsePayload(type: EventType, rawBody: string): WebhookPayload<EventType> {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new DeliveryRefusedError("invalid_payload", "The body is not JSON.");
  }
  const parsed = z.safeParse(WEBHOOK_PAYLOADS[type], json);
  if (!parsed.success)
    throw new DeliveryRefusedError(
      "invalid_payload",
      `The ${type} body does not match its schema.`,
      describeIssues(parsed.error.issues),
    );
  return parsed.data as WebhookPayload<EventType>;
}
