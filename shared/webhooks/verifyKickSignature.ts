import { base64ToBytes } from "../encoding/base64ToBytes";
import { webhookSignedText } from "./webhookSignedText";

export interface SignedDelivery {
  messageId: string | null;
  timestamp: string | null;
  signature: string | null;
  rawBody: string;
}

/**
 * RSASSA-PKCS1-v1_5 / SHA-256 over `messageId.timestamp.rawBody` (kick-api.md §4.4).
 * False for anything missing or malformed; it never throws on attacker input.
 */
export async function verifyKickSignature(key: CryptoKey, d: SignedDelivery): Promise<boolean> {
  if (!d.messageId || !d.timestamp || !d.signature) return false;
  let signature: Uint8Array;
  try {
    signature = base64ToBytes(d.signature);
  } catch {
    return false;
  }
  return crypto.subtle.verify(
    "RSASSA-PKCS1-v1_5",
    key,
    signature,
    webhookSignedText(d.messageId, d.timestamp, d.rawBody),
  );
}

/** The signature fields of a delivery, read from Kick's headers. */
export function signedDeliveryFrom(headers: Headers, rawBody: string): SignedDelivery {
  return {
    messageId: headers.get("kick-event-message-id"),
    timestamp: headers.get("kick-event-message-timestamp"),
    signature: headers.get("kick-event-signature"),
    rawBody,
  };
}
