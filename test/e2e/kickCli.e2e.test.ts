import { execFile } from "node:child_process";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createKickClient, getAppToken, staticToken } from "../../shared/kick/index";
import { EVENT_TYPES } from "../../shared/kick/schemas/events";

const EMULATOR = inject("emulatorUrl");
const WEBHOOKS = inject("webhooksUrl");

/** Runs `npm run kick -- …` as a user would (the script itself, with this Node). */
async function kick(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["scripts/kick.mjs", ...args], { env: { ...process.env, KICK_EMULATOR_URL: EMULATOR } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// "The user's own receiver": records what it gets and answers with `status`.
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
let status = 200;
const receiver = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => (body += chunk.toString()));
  request.on("end", () => {
    received.push({ headers: request.headers, body });
    response.writeHead(status).end();
  });
});
let receiverUrl: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

/** Verifies a delivery from the documented scheme alone, with the emulator's published key. */
async function verifies(headers: IncomingHttpHeaders, body: string) {
  const { data } = (await (await fetch(`${EMULATOR}/public/v1/public-key`)).json()) as { data: { public_key: string } };
  const der = Uint8Array.from(atob(data.public_key.replace(/-----[A-Z ]+-----|\s/g, "")), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("spki", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
  const signature = Uint8Array.from(atob(String(headers["kick-event-signature"])), (c) => c.charCodeAt(0));
  return crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, new TextEncoder().encode(`${headers["kick-event-message-id"]}.${headers["kick-event-message-timestamp"]}.${body}`));
}

describe("npm run kick -- event", () => {
  it("sends a correctly signed event, with the fields asked for, to any receiver", async () => {
    received.length = 0;
    const run = await kick("event", "kicks.gifted", "--to", receiverUrl, "--gift.amount", "500", "--gift.message", "gg");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("HTTP 200");
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got!.headers["kick-event-type"]).toBe("kicks.gifted");
    expect(await verifies(got!.headers, got!.body)).toBe(true);
    expect(JSON.parse(got!.body).gift).toMatchObject({ amount: 500, message: "gg", name: expect.any(String), tier: expect.any(String) });
  });

  it("goes to the local webhooks Worker, which verifies and accepts it, and answers a replay as a duplicate", async () => {
    const first = await kick("event", "channel.followed", "--to", `${WEBHOOKS}/kick`, "--message-id", "01JQR5KV0QC94HMETWYNBWRW4Z", "--json");
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).delivered).toEqual({ status: 200 });
    const again = await kick("event", "channel.followed", "--to", `${WEBHOOKS}/kick`, "--message-id", "01JQR5KV0QC94HMETWYNBWRW4Z");
    expect(again.code).toBe(0);
    const stale = await kick("event", "channel.followed", "--to", `${WEBHOOKS}/kick`, "--timestamp", "2025-04-01T07:56:19Z");
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain("HTTP 400");
  });

  it("exits 1 when the receiver refuses, 2 on bad usage, and sends nothing on a dry run", async () => {
    received.length = 0;
    status = 500;
    expect((await kick("event", "channel.followed", "--to", receiverUrl)).code).toBe(1);
    status = 200;
    const unknown = await kick("event", "channel.raided");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("kicks.gifted");
    const dry = await kick("event", "channel.followed", "--to", receiverUrl, "--dry-run");
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).headers["kick-event-signature"]).toBeTruthy();
    expect(received).toHaveLength(1);
  });

  it("lists the event types the project knows", async () => {
    expect((await kick("event", "--list")).stdout.trim().split("\n")).toEqual([...EVENT_TYPES]);
  });
});

describe("the emulator as Kick", () => {
  it("delivers going live, signed, to the webhooks Worker for each subscription (twice when subscribed twice, as Kick)", async () => {
    const config = { idBase: EMULATOR, apiBase: EMULATOR, clientId: "e2e-client", clientSecret: "e2e-secret" };
    const app = createKickClient(config, staticToken((await getAppToken(config)).access_token));
    for (let i = 0; i < 2; i++) await app.createSubscriptions({ broadcaster_user_id: 1001, events: [{ name: "livestream.status.updated", version: 1 }], method: "webhook" });
    const live = await fetch(`${EMULATOR}/_emulator/channels/1001`, { method: "PATCH", body: JSON.stringify({ is_live: true }) });
    expect(((await live.json()) as { webhooks: number[] }).webhooks).toEqual([200, 200]);
    const still = await fetch(`${EMULATOR}/_emulator/channels/1001`, { method: "PATCH", body: JSON.stringify({ viewer_count: 5 }) });
    expect(((await still.json()) as { webhooks: number[] }).webhooks).toEqual([]);
    for (const s of await app.listSubscriptions({ broadcaster_user_id: 1001 })) await app.deleteSubscriptions({ id: [s.id] });
  });
});
