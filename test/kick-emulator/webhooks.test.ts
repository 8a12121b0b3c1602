import { beforeEach, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { createKickClient } from "../../shared/kick/endpoints";
import { EVENT_TYPES } from "../../shared/kick/schemas/events";
import { WEBHOOK_PAYLOADS } from "../../shared/kick/schemas/webhookPayloads";
import { importKickPublicKey, signedDeliveryFrom, verifyKickSignature } from "../../shared/webhooks/signatures";
import { control, resetEmulator, testConfig } from "../helpers/emulator";

beforeEach(resetEmulator);

interface Delivery {
  headers: Record<string, string>;
  body: string;
  delivered: { status: number } | { error: string } | null;
}

async function emulatorKey() {
  const { public_key } = await createKickClient(testConfig(), null).getPublicKey();
  return importKickPublicKey(public_key);
}

describe("signed webhooks from the emulator", () => {
  it.each(EVENT_TYPES)("%s is signed as Kick signs and parses with our schema", async (type) => {
    const delivery = await control<Delivery>("POST", "/webhooks", { type });
    const headers = new Headers(delivery.headers);
    expect(headers.get("kick-event-type")).toBe(type);
    expect(headers.get("kick-event-version")).toBe("1");
    expect(headers.get("kick-event-message-id")).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(headers.get("kick-event-message-timestamp")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await verifyKickSignature(await emulatorKey(), signedDeliveryFrom(headers, delivery.body))).toBe(true);
    const parsed = z.safeParse(WEBHOOK_PAYLOADS[type], JSON.parse(delivery.body));
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  it("applies overrides and keeps the same key across calls", async () => {
    const first = await control<Delivery>("POST", "/webhooks", {
      type: "livestream.status.updated",
      overrides: { is_live: true, title: "Override!" },
    });
    expect(JSON.parse(first.body)).toMatchObject({
      is_live: true,
      title: "Override!",
      broadcaster: { user_id: 1001, is_verified: null },
    });
    const second = await control<Delivery>("POST", "/webhooks", {
      type: "channel.followed",
      message_id: "01JQR5KV0QC94HMETWYNBWRW4Z",
      timestamp: "2025-04-01T07:56:19Z",
    });
    expect(second.headers["kick-event-message-id"]).toBe("01JQR5KV0QC94HMETWYNBWRW4Z");
    const key = await emulatorKey();
    expect(await verifyKickSignature(key, signedDeliveryFrom(new Headers(first.headers), first.body))).toBe(true);
    expect(await verifyKickSignature(key, signedDeliveryFrom(new Headers(second.headers), second.body))).toBe(true);
  });

  it("reports a receiver it cannot reach instead of failing", async () => {
    const delivery = await control<Delivery>("POST", "/webhooks", {
      type: "channel.followed",
      to: "http://127.0.0.1:9/webhook",
    });
    expect(delivery.delivered).toMatchObject({ error: expect.any(String) });
  });
});
