import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { Action } from "../../shared/actions/Action";
import { fingerprintOf } from "../../shared/actions/handleAction";
import { CONNECT_CAPABILITIES } from "../../shared/capabilities";
import { automationKeys } from "../../shared/storage/accountsStore";
import { call, chatLog, setUp } from "../helpers/automationsSetup";
import { kickControl } from "../helpers/browser";

// Idempotency-Key as Stripe keeps it: one key, one request; a dead claim does not hold the key;
// a duplicate sent while the first runs gets the first's answer.

const E = env as unknown as Cloudflare.AutomationsEnv;
let key: string;
beforeEach(async () => {
  key = await setUp(E, [...CONNECT_CAPABILITIES]);
});

const post = (message: string, idem: string) =>
  call("POST", "/v1/chat", key, { json: { message }, headers: { "idempotency-key": idem } });

/** A claim left by a call whose invocation died: no answer, its lease ending at `leaseUntil`. */
async function strandedClaim(idem: string, leaseUntil: number | null) {
  const [info] = await automationKeys.list(E.DB, 1001);
  await E.DB.prepare(
    "INSERT INTO idempotency (key_id, idem_key, created_at, fingerprint, lease_until) VALUES (?, ?, ?, NULL, ?)",
  )
    .bind(info!.id, idem, Date.now() - 1000, leaseUntil)
    .run();
}

describe("Idempotency-Key", () => {
  it("reused for a different request answers 422 and does nothing", async () => {
    expect((await post("first", "zap-1")).status).toBe(200);
    const other = await post("second", "zap-1");
    expect(other.status).toBe(422);
    expect(other.json.error.code).toBe("idempotency_key_mismatch");
    // The same fields in another order, or the key in the query, are the same request.
    const same = await call("POST", "/v1/chat?idem=zap-1", key, { form: { message: "first" } });
    expect(same.headers.get("idempotent-replay")).toBe("true");
    expect((await chatLog()).map((m) => m.content)).toEqual(["first"]);
  });

  it("is free again once a dead call's lease has run out, and held while it lasts", async () => {
    await strandedClaim("dead", Date.now() - 1);
    expect((await post("after a crash", "dead")).status).toBe(200);
    await strandedClaim("running", Date.now() + 60_000);
    const busy = await post("while running", "running");
    expect(busy.status).toBe(409);
    expect(busy.json.error.code).toBe("in_progress");
    expect((await chatLog()).map((m) => m.content)).toEqual(["after a crash"]);
  });

  it("a double-tapped button posts once, and both taps get the same answer", async () => {
    const [one, two] = await Promise.all([post("tap", "deck-1"), post("tap", "deck-1")]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.text).toBe(two.text);
    expect([one.headers.get("idempotent-replay"), two.headers.get("idempotent-replay")]).toContain("true");
    expect((await chatLog()).map((m) => m.content)).toEqual(["tap"]);
  });

  it("a duplicate waiting on a first call that failed without doing anything runs itself", async () => {
    await kickControl("POST", "/faults", { method: "POST", path: "/public/v1/chat", status: 503, times: 1 });
    const [one, two] = await Promise.all([post("tap", "deck-2"), post("tap", "deck-2")]);
    expect([one.status, two.status].sort()).toEqual([200, 502]);
    expect((await chatLog()).map((m) => m.content)).toEqual(["tap"]);
  });
});

describe("the request fingerprint", () => {
  it("is the one stored claims were made with: the same nested input, keys in any order, gives the same hash", async () => {
    // The hash the first implementation gave (a recursive key sort), pinned: claims stored in
    // production compare against it, so a rewrite must not change it.
    const action = { name: "setChannel" } as Action;
    const request = new Request("http://127.0.0.1:8788/v1/channel?key=ignored");
    const input = { z: 1, a: { y: [{ b: 2, a: 1 }, 3, "x"], c: null }, m: "é" };
    const reordered = { m: "é", a: { c: null, y: [{ a: 1, b: 2 }, 3, "x"] }, z: 1 };
    const pinned = "12cffa275394549c1857ae4c174913dd2dfc31e1a10570a57504ec0e172e0638";
    expect(await fingerprintOf(action, request, input)).toBe(pinned);
    expect(await fingerprintOf(action, request, reordered)).toBe(pinned);
  });
});
