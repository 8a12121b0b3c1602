import { describe, expect, it } from "vitest";
import {
  importKickPublicKey,
  KICK_DOCS_PUBLIC_KEY,
  verifyKickSignature,
  signedDeliveryFrom,
} from "../../../shared/webhooks/signatures";

/** A real delivery signed by Kick (docs/kick-api.md §5.4, captured by KickLib). */
const REAL = {
  messageId: "01JQR5KV0QC94HMETWYNBWRW4Z",
  timestamp: "2025-04-01T07:56:19Z",
  signature:
    "fpZCxfE8lojfMhDPvSpmEjHbJH4+6OFVSLStKgiTxH7QXQw/M3sdWWl0o/pxBz0vA9xXP8x3l+z7WNkT3C+6K7MkEZBtvv+88IAgWyJ2uTLKJtuFn5FIIQKTv1tAqOeFIp1A56DJR9eJ/yzG+flj9RwSNcvMPXBHS3X5jisBiKhYrqUUAW6HYuYKMq5cTcxb1IX0hyN5jEkFv2BuWAIlriyVztdXBX1aHENBxCSf1qbFzQ26VCaZNCOGPpLS+4kHzuU8Zkju+o4nAUm+DIC8c1CjYfPIwu/tZb2HPGklXt1ZMQXpnP+F/Oo+NaW8Z0fBl1ZG8wanIVjPClkoDR4QZQ==",
  rawBody:
    '{"broadcaster":{"is_anonymous":false,"user_id":4809577,"username":"FusedChat","is_verified":null,"profile_picture":"https://files.kick.com/images/user/4809577/profile_image/conversion/9028f795-f3ef-42dc-9cfc-7cb7ba6f32fa-medium.webp","channel_slug":"fusedchat"},"is_live":true,"title":"Multiplatform bot!","started_at":"2025-04-01T07:56:18Z","ended_at":null}',
};

describe("Kick webhook signature", () => {
  it("verifies Kick's real signed delivery with Kick's documented key", async () => {
    expect(REAL.rawBody).toHaveLength(358);
    const key = await importKickPublicKey(KICK_DOCS_PUBLIC_KEY);
    expect(await verifyKickSignature(key, REAL)).toBe(true);
  });

  it("reads the signature fields from Kick's headers, case-insensitively", async () => {
    const key = await importKickPublicKey(KICK_DOCS_PUBLIC_KEY);
    const headers = new Headers({
      "Kick-Event-Message-Id": REAL.messageId,
      "KICK-EVENT-MESSAGE-TIMESTAMP": REAL.timestamp,
      "kick-event-signature": REAL.signature,
    });
    expect(await verifyKickSignature(key, signedDeliveryFrom(headers, REAL.rawBody))).toBe(true);
  });

  it.each([
    ["a tampered body", { rawBody: REAL.rawBody.replace("Multiplatform", "Multiplatfrom") }],
    ["a re-serialized body", { rawBody: JSON.stringify(JSON.parse(REAL.rawBody), null, 1) }],
    ["a tampered timestamp", { timestamp: "2025-04-01T07:56:20Z" }],
    ["another message id", { messageId: "01JQR5KV0QC94HMETWYNBWRW50" }],
    ["a tampered signature", { signature: "A" + REAL.signature.slice(1) }],
    ["a signature that is not base64", { signature: "!!not base64!!" }],
    ["a missing signature", { signature: null }],
    ["a missing timestamp", { timestamp: null }],
  ])("refuses %s", async (_, change) => {
    const key = await importKickPublicKey(KICK_DOCS_PUBLIC_KEY);
    expect(await verifyKickSignature(key, { ...REAL, ...change })).toBe(false);
  });

  it("refuses the right delivery under another key", async () => {
    const other = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    expect(await verifyKickSignature(other.publicKey, REAL)).toBe(false);
  });
});
