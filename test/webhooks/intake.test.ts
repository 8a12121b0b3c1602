import type { WebhooksEnv } from "../../functions/webhooks/settings";
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import webhooks from "../../functions/webhooks/index";
import { kickConfigFromEnv } from "../../shared/kick/index";
import { createKickClient } from "../../shared/kick/endpoints";
import { EVENT_TYPES } from "../../shared/kick/schemas/events";
import { forgetKickPublicKey, importKickPublicKey, KICK_DOCS_PUBLIC_KEY } from "../../shared/webhooks/signatures";
import { readDelivery } from "../../shared/webhooks/readDelivery";
import { kickControl } from "../helpers/browser";
import { connectedAccount } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { deliver, eventRows, signedEvent, WEBHOOKS } from "../helpers/webhookDelivery";
import { addRelay, inbox } from "./relayReceivers";

const E = env as unknown as WebhooksEnv;

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  await connectedAccount(E, 1001, 90 * 60_000);
});

// The real delivery KickLib captured (docs/kick-api.md §5.4), signed with Kick's real key.
const VECTOR = {
  headers: {
    "kick-event-message-id": "01JQR5KV0QC94HMETWYNBWRW4Z",
    "kick-event-subscription-id": "01JQ79DGGK8C9117GJN8EHCYGG",
    "kick-event-message-timestamp": "2025-04-01T07:56:19Z",
    "kick-event-type": "livestream.status.updated",
    "kick-event-version": "1",
    "kick-event-signature":
      "fpZCxfE8lojfMhDPvSpmEjHbJH4+6OFVSLStKgiTxH7QXQw/M3sdWWl0o/pxBz0vA9xXP8x3l+z7WNkT3C+6K7MkEZBtvv+88IAgWyJ2uTLKJtuFn5FIIQKTv1tAqOeFIp1A56DJR9eJ/yzG+flj9RwSNcvMPXBHS3X5jisBiKhYrqUUAW6HYuYKMq5cTcxb1IX0hyN5jEkFv2BuWAIlriyVztdXBX1aHENBxCSf1qbFzQ26VCaZNCOGPpLS+4kHzuU8Zkju+o4nAUm+DIC8c1CjYfPIwu/tZb2HPGklXt1ZMQXpnP+F/Oo+NaW8Z0fBl1ZG8wanIVjPClkoDR4QZQ==",
  },
  body: '{"broadcaster":{"is_anonymous":false,"user_id":4809577,"username":"FusedChat","is_verified":null,"profile_picture":"https://files.kick.com/images/user/4809577/profile_image/conversion/9028f795-f3ef-42dc-9cfc-7cb7ba6f32fa-medium.webp","channel_slug":"fusedchat"},"is_live":true,"title":"Multiplatform bot!","started_at":"2025-04-01T07:56:18Z","ended_at":null}',
};
const SENT = Date.parse("2025-04-01T07:56:19Z");
const MINUTES = 5 * 60_000;

describe("Kick's real signed delivery", () => {
  const read = async (change: { headers?: Record<string, string>; body?: string; now?: number; key?: string } = {}) =>
    readDelivery(new Headers({ ...VECTOR.headers, ...change.headers }), change.body ?? VECTOR.body, {
      keys: [await importKickPublicKey(change.key ?? KICK_DOCS_PUBLIC_KEY)],
      now: change.now ?? SENT + 11_000,
      maxAgeMs: MINUTES,
    });

  it("verifies with Kick's real key inside the time window, and parses", async () => {
    const d = await read();
    expect(d).toMatchObject({
      messageId: "01JQR5KV0QC94HMETWYNBWRW4Z",
      type: "livestream.status.updated",
      sentAt: SENT,
      payload: { is_live: true, broadcaster: { user_id: 4809577, is_verified: null } },
    });
  });

  it.each([
    ["a tampered body", { body: VECTOR.body.replace("Multiplatform", "Multiplatfrom") }, "bad_signature"],
    [
      "a tampered timestamp",
      { headers: { "kick-event-message-timestamp": "2025-04-01T07:56:20Z" }, now: SENT },
      "bad_signature",
    ],
    ["a tampered message id", { headers: { "kick-event-message-id": "01JQR5KV0QC94HMETWYNBWRW4Y" } }, "bad_signature"],
    [
      "a tampered signature",
      { headers: { "kick-event-signature": `A${VECTOR.headers["kick-event-signature"].slice(1)}` } },
      "bad_signature",
    ],
    ["a signature that is not base64", { headers: { "kick-event-signature": "%%%not base64%%%" } }, "bad_signature"],
    ["the right signature at today's time", { now: Date.now() }, "stale_timestamp"],
    ["the right signature 6 minutes early", { now: SENT - 6 * 60_000 }, "stale_timestamp"],
  ])("refuses %s", async (_, change, code) => {
    await expect(read(change)).rejects.toMatchObject({ code });
  });

  it("refuses it under another key (the emulator's)", async () => {
    const { public_key } = await createKickClient(kickConfigFromEnv(E), null).getPublicKey();
    await expect(read({ key: public_key })).rejects.toMatchObject({ code: "bad_signature" });
  });
});

describe("the intake endpoint", () => {
  it.each(EVENT_TYPES)("accepts a signed %s, records it once and runs its steps", async (type) => {
    const event = await signedEvent(type);
    const answer = await deliver(E, event);
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    expect(answer.json.data).toMatchObject({ accepted: true, duplicate: false });
    const [row] = await eventRows(E);
    expect(row).toMatchObject({ message_id: event.headers["kick-event-message-id"], type });
    // Every step ran to an answer; none failed.
    const outcome = JSON.parse(row!.outcome!) as Record<string, unknown>;
    expect(Object.keys(outcome).sort()).toEqual(["announce", "relays", "reply", "snapshot"]);
    for (const [step, result] of Object.entries(outcome)) expect(result, step).not.toHaveProperty("error");
  });

  it("answers a replayed message id as a duplicate and runs nothing again", async () => {
    const event = await signedEvent("channel.followed");
    expect((await deliver(E, event)).json.data!.duplicate).toBe(false);
    const outcome = (await eventRows(E))[0]!.outcome;
    const again = await deliver(E, event);
    expect(again.status).toBe(200);
    expect(again.json.data!.duplicate).toBe(true);
    expect(await eventRows(E)).toHaveLength(1);
    expect((await eventRows(E))[0]!.outcome).toBe(outcome);
  });

  it.each([
    ["no signature", { headers: { "kick-event-signature": null } }, 400, "missing_header"],
    ["a tampered body", { body: "TAMPER" }, 401, "bad_signature"],
    [
      "a stale timestamp",
      { timestamp: new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d+Z$/, "Z") },
      400,
      "stale_timestamp",
    ],
    ["an unknown event type", { headers: { "kick-event-type": "channel.raided" } }, 400, "unknown_event"],
    ["an unknown version", { headers: { "kick-event-version": "2" } }, 400, "unknown_event"],
  ] as const)("refuses %s, records nothing and acts on nothing", async (_, change, status, code) => {
    const event = await signedEvent("channel.followed", "timestamp" in change ? { timestamp: change.timestamp } : {});
    const answer = await deliver(E, event, {
      headers: "headers" in change ? change.headers : undefined,
      body: "body" in change ? change.body : undefined,
    });
    expect(answer.status).toBe(status);
    expect(answer.json.error!.code).toBe(code);
    expect(await eventRows(E)).toHaveLength(0);
  });

  it("answers a signed payload it cannot read with 200 (Kick must not unsubscribe us), records it, and runs nothing", async () => {
    const event = await signedEvent("kicks.gifted", { overrides: { gift: { amount: "lots" } } });
    const answer = await deliver(E, event);
    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({
      accepted: false,
      reason: "invalid_payload",
      details: [expect.objectContaining({ field: "gift.amount" })],
    });
    const [row] = await eventRows(E);
    expect(JSON.parse(row!.outcome!)).toMatchObject({
      invalid_payload: [expect.objectContaining({ field: "gift.amount" })],
    });
    expect((await E.DB.prepare("SELECT COUNT(*) AS n FROM kicks_snapshots").first<{ n: number }>())!.n).toBe(0);
  });
});

describe("the intake's own limits", () => {
  const PRODUCTION = { ...E, RELAY_HTTP_HOSTS: "" } as WebhooksEnv;
  beforeEach(() => forgetKickPublicKey());
  afterEach(() => forgetKickPublicKey());

  it("stops reading a chunked body at 64 KiB and answers 413, never taking in the rest", async () => {
    const event = await signedEvent("channel.followed");
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    let pulled = 0;
    // 40 MiB, chunked: no Content-Length to refuse it by.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 40 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const request = new Request(`${WEBHOOKS}/kick`, { method: "POST", headers: event.headers, body });
    expect(request.headers.get("content-length")).toBeNull();
    const ctx = createExecutionContext();
    const response = await webhooks.fetch(request as Request<unknown, IncomingRequestCfProperties>, E, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("too_large");
    expect(pulled).toBeLessThanOrEqual(64 * 1024 + 2 * chunk.byteLength);
    expect(await eventRows(E)).toHaveLength(0);
  });

  it("lets a copy re-sent under a wrong Kick-Event-Type (unsigned) not shut out the genuine delivery", async () => {
    await addRelay(E, "zap", { events: ["channel.followed"] });
    const event = await signedEvent("channel.followed");
    const wrongType = { headers: { "kick-event-type": "kicks.gifted" } };
    expect((await deliver(E, event, wrongType)).json.data).toMatchObject({
      accepted: false,
      reason: "invalid_payload",
    });
    expect((await deliver(E, event)).json.data).toMatchObject({ accepted: true, duplicate: false });
    expect((await inbox("zap")).total).toBe(1);
    const [row] = await eventRows(E);
    expect(row).toMatchObject({ type: "channel.followed" });
    expect(JSON.parse(row!.outcome!)).toMatchObject({ relays: ["delivered"] });

    // Once accepted, the id is taken: neither the genuine delivery again nor a wrong-typed copy runs anything.
    expect((await deliver(E, event)).json.data).toMatchObject({ duplicate: true });
    await deliver(E, event, wrongType);
    expect(await eventRows(E)).toEqual([row]);
    expect((await inbox("zap")).total).toBe(1);
  });

  it("fetches Kick's public key only over https from a public host outside local development", async () => {
    const keyFetches = async () =>
      (await kickControl<{ path: string }[]>("GET", "/requests")).filter((r) => r.path === "/public/v1/public-key");
    await kickControl("DELETE", "/requests");
    // As deployed, with KICK_API_BASE left at the emulator (http://kick.test): its key is not
    // fetched, Kick's documented key stands in, and the emulator's signatures do not verify.
    const refused = await deliver(PRODUCTION, await signedEvent("channel.followed"));
    expect(refused.status).toBe(401);
    expect(refused.json.error!.code).toBe("bad_signature");
    expect(await keyFetches()).toEqual([]);
    expect(await eventRows(E)).toHaveLength(0);

    // In local development the emulator is Kick.
    forgetKickPublicKey();
    expect((await deliver(E, await signedEvent("channel.followed"))).status).toBe(200);
    expect(await keyFetches()).toHaveLength(1);
  });
});
