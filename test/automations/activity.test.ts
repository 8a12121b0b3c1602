import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { activityOf } from "../../shared/storage/activityStore";
import { call, setUp } from "../helpers/automationsSetup";

// The action pipeline records each trigger call for the channel's activity page, after the
// answer (waitUntil): the tests wait for the row rather than assume when it lands.

const E = env as unknown as Cloudflare.AutomationsEnv;
const CHANNEL = 1001;
let key: string;
beforeEach(async () => {
  key = await setUp(E, ["chat"]);
});

const rows = () => activityOf(E.DB, CHANNEL, "trigger", 100);
const allStored = async () => JSON.stringify((await E.DB.prepare("SELECT * FROM activity").all()).results);
/** Waits until `n` rows are recorded, then a little longer to see that no more come. */
async function recorded(n: number) {
  await vi.waitFor(async () => expect(await rows()).toHaveLength(n), { timeout: 3_000, interval: 50 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  return rows();
}

describe("trigger activity", () => {
  it("records a call that posted: the action's method and path, the key by its name, ok and the status; never the key", async () => {
    expect((await call("POST", "/v1/chat", key, { json: { message: "hello" } })).status).toBe(200);
    expect(await recorded(1)).toEqual([
      {
        at: expect.any(Number),
        kind: "trigger",
        what: "POST /v1/chat",
        key_name: "test",
        outcome: "ok",
        status: 200,
        detail: null,
      },
    ]);
    const stored = await allStored();
    expect(stored).not.toContain(key);
    // Neither the secret part nor the public id: the key is named, not identified.
    expect(stored).not.toContain(key.split("_")[1]);
    expect(stored).not.toContain("hello");
  });

  it("records a refusal as refused, with its code and status, once a minute per kind however often it repeats", async () => {
    for (let i = 0; i < 3; i++) expect((await call("POST", "/v1/ban", key, { json: { user: "x" } })).status).toBe(403);
    // The key may not go in the URL: refused before the rate limit, so it must not cost a write per call.
    for (let i = 0; i < 3; i++) expect((await call("POST", `/v1/chat?key=${key}&message=hi`, null)).status).toBe(401);
    const found = await recorded(2);
    expect(found.map((r) => [r.what, r.key_name, r.outcome, r.status]).sort()).toEqual([
      ["POST /v1/ban", "test", "capability_not_allowed", 403],
      ["POST /v1/chat", "test", "key_not_for_urls", 401],
    ]);
    expect(await allStored()).not.toContain(key);
  });

  it("leaves out reads that worked and calls without a known key; records a replay as a replay", async () => {
    expect((await call("GET", "/v1/whoami", key)).status).toBe(200);
    expect(
      (await call("POST", "/v1/chat", "ke_0000000000000000_" + "a".repeat(43), { json: { message: "x" } })).status,
    ).toBe(401);
    const once = { json: { message: "once" }, headers: { "idempotency-key": "press-1" } };
    expect((await call("POST", "/v1/chat", key, once)).status).toBe(200);
    expect((await call("POST", "/v1/chat", key, once)).headers.get("idempotent-replay")).toBe("true");
    const found = await recorded(2);
    expect(found.map((r) => r.outcome).sort()).toEqual(["ok", "replay"]);
  });

  it("records the rules Worker's actions too, reached through this Worker's URL", async () => {
    const rulesKey = await setUp(E, ["chat"]);
    const saved = await call("POST", "/v1/timers", rulesKey, {
      json: { name: "socials", message: "follow", interval_minutes: 15 },
    });
    expect(saved.status).toBe(200);
    expect(await recorded(1)).toMatchObject([{ what: "POST /v1/timers", outcome: "ok", status: 200 }]);
  });
});
