import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { accounts, automationKeys } from "../../shared/storage/accountsStore";
import { kickControl } from "../helpers/browser";
import { connectedAccount } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";

const E = env as unknown as Cloudflare.AutomationsEnv;
const URL_ = "http://127.0.0.1:8788";
let key: string;

beforeEach(async () => {
  await resetWorkerState(E);
  await accounts.connect(E.DB, {
    id: 1001,
    username: "demo_streamer",
    role: "broadcaster",
    scopes: ["user:read", "chat:write"],
    tokenExpiresAt: Date.now() + 7_200_000,
    now: Date.now(),
  });
  ({ key } = await automationKeys.create(E.DB, {
    accountId: 1001,
    name: "stream deck",
    capabilities: ["chat"],
    allowUrl: true,
    now: Date.now(),
  }));
});

describe("GET /v1/whoami", () => {
  it.each([
    [
      "Authorization: Bearer",
      (k: string) => new Request(`${URL_}/v1/whoami`, { headers: { authorization: `Bearer ${k}` } }),
    ],
    ["X-Api-Key", (k: string) => new Request(`${URL_}/v1/whoami`, { headers: { "x-api-key": k } })],
    ["?key=", (k: string) => new Request(`${URL_}/v1/whoami?key=${k}`)],
  ])("accepts the key by %s", async (_, make) => {
    const response = await SELF.fetch(make(key));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ok: true,
      channel: "demo_streamer",
      data: {
        account: { id: 1001, username: "demo_streamer", role: "broadcaster", needs_reconnect: false },
        bot: null,
        key: { id: expect.any(String), name: "stream deck", capabilities: ["chat"], allow_get: false },
      },
    });
  });

  it("refuses a missing, unknown or revoked key in the error shape", async () => {
    const missing = await SELF.fetch(`${URL_}/v1/whoami`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ ok: false, error: { code: "missing_key" } });
    const [info] = await automationKeys.list(E.DB, 1001);
    await automationKeys.revoke(E.DB, 1001, info!.id, Date.now());
    const revoked = await SELF.fetch(`${URL_}/v1/whoami?key=${key}`);
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ ok: false, error: { code: "invalid_key" } });
  });

  it("says when the account needs re-connecting, and where", async () => {
    await E.DB.prepare("UPDATE accounts SET needs_reconnect = 1, reconnect_reason = 'refresh token rejected'").run();
    const response = await SELF.fetch(`${URL_}/v1/whoami?key=${key}`);
    expect(await response.json()).toMatchObject({
      ok: true,
      data: {
        account: {
          needs_reconnect: true,
          reconnect_reason: "refresh token rejected",
          reconnect_url: "http://127.0.0.1:8787/",
        },
      },
    });
  });

  it("names the bot that speaks in this key's channel for as=bot, and only this channel's", async () => {
    const bot = (id: number, username: string, serves: number) =>
      accounts.connect(E.DB, {
        id,
        username,
        role: "bot",
        scopes: ["user:read", "chat:write"],
        tokenExpiresAt: Date.now() + 7_200_000,
        now: Date.now(),
        serves,
      });
    await accounts.connect(E.DB, {
      id: 3001,
      username: "other_streamer",
      role: "broadcaster",
      scopes: ["user:read"],
      tokenExpiresAt: Date.now() + 7_200_000,
      now: Date.now(),
    });
    await bot(1002, "demo_bot", 3001);
    const whoami = async () => (await (await SELF.fetch(`${URL_}/v1/whoami?key=${key}`)).json<{ data: object }>()).data;
    expect(await whoami()).toMatchObject({ account: { id: 1001 }, bot: null });
    await bot(2001, "viewer_alice", 1001);
    expect(await whoami()).toMatchObject({ account: { id: 1001 }, bot: { id: 2001, username: "viewer_alice" } });
  });

  it("says which channel /v1/status looked at, offline too", async () => {
    await kickControl("POST", "/reset");
    await connectedAccount(E, 1001, 90 * 60_000);
    const response = await SELF.fetch(`${URL_}/v1/status?key=${key}`);
    expect(await response.json()).toEqual({
      ok: true,
      channel: "demo_streamer",
      data: { live: false, channel: "demo_streamer" },
    });
  });

  it("records when a key was last used", async () => {
    await SELF.fetch(`${URL_}/v1/whoami?key=${key}`);
    const [info] = await automationKeys.list(E.DB, 1001);
    expect(info!.lastUsedAt).toBeGreaterThan(0);
  });

  it("answers unknown paths in the error shape", async () => {
    const response = await SELF.fetch(`${URL_}/v1/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});
