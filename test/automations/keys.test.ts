import { SELF, env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { automationKeys } from "../../shared/storage/accountsStore";
import { generateAutomationKey } from "../../shared/keys/automationKey";
import { AUTOMATIONS, call, setUp } from "../helpers/automationsSetup";

// What a key proves, and what a flood of made-up keys costs.

const E = env as unknown as Cloudflare.AutomationsEnv;
let key: string;
beforeEach(async () => {
  key = await setUp(E, ["chat"]);
});

const from = (address: string, presented: string) =>
  SELF.fetch(`${AUTOMATIONS}/v1/whoami`, { headers: { "x-api-key": presented, "cf-connecting-ip": address } });

describe("automation keys", () => {
  it("in the URL only when made to be sent that way; the same key in a header works", async () => {
    const refused = await call("GET", `/v1/whoami?key=${key}`, null);
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe("key_not_for_urls");
    expect((await call("GET", "/v1/whoami", key)).status).toBe(200);
    const deck = await setUp(E, ["chat"], { allowUrl: true });
    expect((await call("GET", `/v1/whoami?key=${deck}`, null)).status).toBe(200);
  });

  it("are never made with no capability (nothing widens to every capability)", async () => {
    await expect(
      automationKeys.create(E.DB, { accountId: 1001, name: "empty", capabilities: [], now: Date.now() }),
    ).rejects.toThrow(RangeError);
  });

  it("a GET with an empty body stream reaches the rules Worker (a GET may not be rebuilt with a body)", async () => {
    const streamDeck = await setUp(E, ["chat"]);
    const response = await SELF.fetch(`${AUTOMATIONS}/v1/timers`, {
      headers: { "x-api-key": streamDeck, "content-length": "0" },
    });
    expect(response.status).toBe(200);
  });

  it("an address that keeps sending made-up keys is answered without a lookup, others are not", async () => {
    for (let i = 0; i < 30; i++) expect((await from("198.51.100.7", generateAutomationKey().key)).status).toBe(401);
    // A real key from that address is not looked up either (so the flood costs no D1 read)...
    const blocked = await from("198.51.100.7", key);
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe("too_many_unknown_keys");
    // ...nor from another address of the same IPv6 /64...
    for (let i = 0; i < 30; i++) await from(`2001:db8:1:2::${i + 1}`, generateAutomationKey().key);
    expect((await from("2001:db8:1:2:ffff::9", key)).status).toBe(429);
    // ...while the same key from anywhere else is.
    expect((await from("203.0.113.9", key)).status).toBe(200);
    // Malformed keys are refused without a lookup anyway, and do not count.
    for (let i = 0; i < 40; i++) expect((await from("192.0.2.1", `ke_not-a-key-${i}`)).status).toBe(401);
    expect((await from("192.0.2.1", (await setUp(E, ["chat"])) as string)).status).toBe(200);
  });
});
