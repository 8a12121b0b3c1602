import { execFile } from "node:child_process";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getAppToken, staticToken } from "../../shared/kick/index";
import { createKickClient } from "../../shared/kick/endpoints";
import { EVENT_TYPES } from "../../shared/kick/schemas/events";

const EMULATOR = inject("emulatorUrl");
const WEBHOOKS = inject("webhooksUrl");

/** Runs `npm run kick -- …` as a user would (the script itself, with this Node: vitest runs on the Node 24 devDependency). */
async function kick(...args: string[]) {
  return kickWith({ KICK_EMULATOR_URL: EMULATOR }, ...args);
}

async function kickWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["scripts/kick.mjs", ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// "The user's own receiver": records what it gets and answers with `status`.
const received: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
let status = 200;
const receiver = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => (body += chunk.toString()));
  request.on("end", () => {
    received.push({ method: request.method, url: request.url, headers: request.headers, body });
    response.writeHead(status).end();
  });
});
let receiverUrl: string;
/** A loopback port nothing listens on: where "the emulator is not running". */
let deadUrl: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

/** Verifies a delivery from the documented scheme alone, with the emulator's published key. */
async function verifies(headers: IncomingHttpHeaders, body: string) {
  const { data } = (await (await fetch(`${EMULATOR}/public/v1/public-key`)).json()) as { data: { public_key: string } };
  const der = Uint8Array.from(atob(data.public_key.replace(/-----[A-Z ]+-----|\s/g, "")), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("spki", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, [
    "verify",
  ]);
  const signature = Uint8Array.from(atob(String(headers["kick-event-signature"])), (c) => c.charCodeAt(0));
  return crypto.subtle.verify(
    "RSASSA-PKCS1-v1_5",
    key,
    signature,
    new TextEncoder().encode(`${headers["kick-event-message-id"]}.${headers["kick-event-message-timestamp"]}.${body}`),
  );
}

describe("npm run kick -- event", () => {
  it("sends a correctly signed event, with the fields asked for, to any receiver", async () => {
    received.length = 0;
    // --emulator wins over KICK_EMULATOR_URL (here pointing nowhere).
    const run = await kickWith(
      { KICK_EMULATOR_URL: deadUrl },
      "event",
      "kicks.gifted",
      "--emulator",
      EMULATOR,
      "--to",
      receiverUrl,
      "--gift.amount",
      "500",
      "--gift.message",
      "gg",
    );
    expect(run.code, run.stderr).toBe(0);
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got).toMatchObject({ method: "POST", url: "/hook" });
    expect(got!.headers).toMatchObject({
      "content-type": "application/json",
      "kick-event-type": "kicks.gifted",
      "kick-event-version": "1",
      "kick-event-message-id": expect.stringMatching(/^[0-9A-Z]{26}$/),
      "kick-event-subscription-id": expect.any(String),
      "kick-event-message-timestamp": expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      "kick-event-signature": expect.any(String),
    });
    expect(run.stdout).toBe(`kicks.gifted ${got!.headers["kick-event-message-id"]} → ${receiverUrl}: HTTP 200\n`);
    expect(await verifies(got!.headers, got!.body)).toBe(true);
    expect(await verifies(got!.headers, got!.body.replace('"amount":500', '"amount":501'))).toBe(false);
    const body = JSON.parse(got!.body);
    // The emulator merges deeply: the gift fields not asked for are still there.
    expect(body.gift).toEqual({
      amount: 500,
      message: "gg",
      name: "Full Send",
      type: "LEVEL_UP",
      tier: "MID",
      pinned_time_seconds: 60,
    });
    expect(body.sender).toMatchObject({ user_id: 2001 });
  });

  it("goes to the local webhooks Worker and says what it did: accepted, duplicate, kept unread, or its refusal", async () => {
    const to = `${WEBHOOKS}/kick`;
    const first = await kick(
      "event",
      "channel.followed",
      "--to",
      to,
      "--message-id",
      "01JQR5KV0QC94HMETWYNBWRW4Z",
      "--json",
    );
    expect(first.code, first.stderr).toBe(0);
    // The emulator relays the receiver's answer: the Worker accepted it, and acts after answering.
    const { delivered, receiver_answer } = JSON.parse(first.stdout) as { delivered: unknown; receiver_answer: string };
    expect(delivered).toEqual({ status: 200 });
    expect(JSON.parse(receiver_answer)).toEqual({
      ok: true,
      data: { accepted: true, duplicate: false, message_id: "01JQR5KV0QC94HMETWYNBWRW4Z" },
    });
    const again = await kick("event", "channel.followed", "--to", to, "--message-id", "01JQR5KV0QC94HMETWYNBWRW4Z");
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      `channel.followed 01JQR5KV0QC94HMETWYNBWRW4Z → ${to}: duplicate: this message id was received before, so nothing was done again\n`,
    );
    const fresh = await kick("event", "kicks.gifted", "--to", to);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).toMatch(/^kicks\.gifted [0-9A-Z]{26} → /);
    expect(fresh.stdout).toContain(
      `: accepted (processing after the answer; what it posts in chat shows at ${EMULATOR}/channel/demo_streamer)\n`,
    );
    // Signed by "Kick", but not a body Kick sends: kept for whoever updates the schema, answered 200.
    const odd = await kick("event", "channel.followed", "--to", to, "--follower", "5");
    expect(odd.code).toBe(0);
    expect(odd.stdout).toContain(": kept but not acted on: the body is not what Kick sends for this event");
    const stale = await kick("event", "channel.followed", "--to", to, "--timestamp", "2025-04-01T07:56:19Z");
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(
      /: refused with HTTP 400: The delivery was sent at 2025-04-01T07:56:19Z, more than \d+ s from now; refused as a possible replay\.\n$/,
    );
  });

  it("exits 1 when the receiver refuses, 2 on bad usage, and sends nothing on a dry run", async () => {
    received.length = 0;
    status = 500;
    expect((await kick("event", "channel.followed", "--to", receiverUrl)).code).toBe(1);
    status = 200;
    const unknown = await kick("event", "channel.raided");
    expect(unknown.code).toBe(2);
    for (const type of EVENT_TYPES) expect(unknown.stderr).toContain(type);
    const dry = await kick("event", "channel.followed", "--to", receiverUrl, "--dry-run");
    expect(dry.code).toBe(0);
    const printed = JSON.parse(dry.stdout) as { headers: Record<string, string>; body: string };
    expect(await verifies(printed.headers, printed.body)).toBe(true);
    expect(JSON.parse(printed.body).follower).toBeTruthy();
    expect(received).toHaveLength(1);
  });

  it("says so when the emulator is not running, or the receiver cannot be reached", async () => {
    const down = await kick("event", "channel.followed", "--emulator", deadUrl);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("npm start");
    const nowhere = await kick("event", "channel.followed", "--to", `${deadUrl}/hook`);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stdout).toContain("not delivered");
  });

  it("reads --name=value, JSON lists, and refuses what it cannot send faithfully", async () => {
    received.length = 0;
    const inline = await kick(
      "event",
      "channel.subscription.gifts",
      `--to=${receiverUrl}`,
      "--giftees",
      '[{"user_id":2004,"username":"viewer_dan"}]',
      "--gifter.username=null",
      "--gifter.user_id",
      "007",
    );
    expect(inline.code, inline.stderr).toBe(0);
    const gifts = JSON.parse(received[0]!.body);
    expect(gifts.giftees).toEqual([{ user_id: 2004, username: "viewer_dan" }]);
    expect(gifts.gifter).toMatchObject({ username: null, user_id: "007", channel_slug: expect.any(String) });
    expect(gifts).not.toHaveProperty("to");
    const bad = [
      ["event", "kicks.gifted", "--to"],
      ["event", "kicks.gifted", "--to", "--json"],
      ["event", "kicks.gifted", "--to", "ftp://example.com/"],
      ["event", "kicks.gifted", "--broadcaster", "demo_streamer"],
      ["event", "channel.subscription.gifts", "--giftees.0.username", "bob"],
      ["event", "kicks.gifted", "--gift", "5", "--gift.amount", "1"],
      ["event", "kicks.gifted", "stray"],
      ["event"],
      ["trigger", "kicks.gifted"],
      [],
    ];
    for (const [i, run] of (await Promise.all(bad.map((args) => kick(...args)))).entries()) {
      expect(run.code, bad[i]!.join(" ")).toBe(2);
      expect(run.stderr, bad[i]!.join(" ")).not.toBe("");
    }
    expect(received).toHaveLength(1);
    const help = await kick("help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("npm run kick -- event <type>");
  });
  it("lists the event types the project knows", async () => {
    expect((await kick("event", "--list")).stdout.trim().split("\n")).toEqual([...EVENT_TYPES]);
  });
});

describe("the emulator as Kick", () => {
  it("delivers going live, signed, to the webhooks Worker for each subscription (twice when subscribed twice, as Kick)", async () => {
    const config = { idBase: EMULATOR, apiBase: EMULATOR, clientId: "e2e-client", clientSecret: "e2e-secret" };
    const app = createKickClient(config, staticToken((await getAppToken(config)).access_token));
    for (let i = 0; i < 2; i++)
      await app.createSubscriptions({
        broadcaster_user_id: 1001,
        events: [{ name: "livestream.status.updated", version: 1 }],
        method: "webhook",
      });
    const live = await fetch(`${EMULATOR}/_emulator/channels/1001`, {
      method: "PATCH",
      body: JSON.stringify({ is_live: true }),
    });
    expect(((await live.json()) as { webhooks: number[] }).webhooks).toEqual([200, 200]);
    const still = await fetch(`${EMULATOR}/_emulator/channels/1001`, {
      method: "PATCH",
      body: JSON.stringify({ viewer_count: 5 }),
    });
    expect(((await still.json()) as { webhooks: number[] }).webhooks).toEqual([]);
    for (const s of await app.listSubscriptions({ broadcaster_user_id: 1001 }))
      await app.deleteSubscriptions({ id: [s.id] });
  });
});
