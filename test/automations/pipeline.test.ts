import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { CONNECT_CAPABILITIES } from "../../shared/capabilities";
import { kickControl } from "../helpers/browser";
import { call, chatLog, kickCalls, setUp } from "../helpers/automationsSetup";

const E = env as unknown as Cloudflare.AutomationsEnv;
let key: string;
beforeEach(async () => {
  // May be sent in the URL: several cases below send it there.
  key = await setUp(E, [...CONNECT_CAPABILITIES], { allowUrl: true });
});

describe("every endpoint's pipeline", () => {
  it("takes input as JSON, form fields or query parameters alike", async () => {
    expect((await call("POST", "/v1/chat", key, { json: { message: "from json" } })).status).toBe(200);
    expect((await call("POST", "/v1/chat", key, { form: { message: "from a form" } })).status).toBe(200);
    expect((await call("POST", "/v1/chat?message=from%20the%20query", key)).status).toBe(200);
    expect((await chatLog()).map((m) => m.content)).toEqual(["from json", "from a form", "from the query"]);
  });

  it("names each bad field and sends nothing to Kick", async () => {
    const long = await call("POST", "/v1/chat", key, {
      json: { message: "🎉".repeat(501), reply_to: "nope", as: "robot" },
    });
    expect(long.status).toBe(400);
    expect(long.json.ok).toBe(false);
    expect(long.json.error.code).toBe("invalid_input");
    expect(long.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      "as",
      "message",
      "reply_to",
    ]);
    expect((await call("POST", "/v1/chat", key, { json: {} })).json.error.details).toEqual([
      { field: "message", reason: "is required" },
    ]);
    expect(
      (
        await call("POST", "/v1/chat", key, {
          headers: { "content-type": "application/json" },
          json: undefined,
          form: undefined,
        })
      ).status,
    ).toBe(400);
    const notJson = await call("POST", "/v1/chat", key, { headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
    expect(await kickCalls()).toEqual([]);
  });

  it("refuses missing, unknown and revoked keys", async () => {
    expect((await call("POST", "/v1/chat", null, { json: { message: "x" } })).json.error.code).toBe("missing_key");
    expect(
      (await call("POST", "/v1/chat", "ke_0000000000000000_" + "A".repeat(43), { json: { message: "x" } })).json.error
        .code,
    ).toBe("invalid_key");
    expect(await kickCalls()).toEqual([]);
  });

  it("holds a key to its capabilities", async () => {
    const streamDeck = await setUp(E, ["announce", "channel"]);
    const refused = await call("POST", "/v1/ban", streamDeck, { json: { user: "viewer_alice" } });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({ code: "capability_not_allowed", details: { capability: "moderation" } });
    expect(await kickCalls()).toEqual([]);
  });

  it("replays an Idempotency-Key's first answer and does nothing the second time", async () => {
    const first = await call("POST", "/v1/chat", key, {
      json: { message: "once" },
      headers: { "idempotency-key": "zap-123" },
    });
    const again = await call("POST", "/v1/chat", key, {
      json: { message: "once" },
      headers: { "idempotency-key": "zap-123" },
    });
    const viaQuery = await call("POST", "/v1/chat?idem=zap-123", key, { json: { message: "once" } });
    expect(first.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(again.headers.get("idempotent-replay")).toBe("true");
    expect(viaQuery.text).toBe(first.text);
    expect((await chatLog()).map((m) => m.content)).toEqual(["once"]);
  });

  it("lets a failed call that did nothing run again under the same key", async () => {
    await kickControl("POST", "/faults", { method: "POST", path: "/public/v1/chat", status: 503 });
    const failed = await call("POST", "/v1/chat", key, {
      json: { message: "retry me" },
      headers: { "idempotency-key": "k1" },
    });
    expect(failed.status).toBe(502);
    const retried = await call("POST", "/v1/chat", key, {
      json: { message: "retry me" },
      headers: { "idempotency-key": "k1" },
    });
    expect(retried.status).toBe(200);
    expect((await chatLog()).map((m) => m.content)).toEqual(["retry me"]);
  });

  it("fires from a GET only for keys made for it (Stream Deck's open-URL button)", async () => {
    const plain = await call("GET", `/v1/chat?key=${key}&message=hi`, null);
    expect(plain.status).toBe(405);
    expect(plain.json.error.code).toBe("get_not_allowed");
    const deck = await setUp(E, ["chat"], { allowGet: true, allowUrl: true });
    const fired = await call("GET", `/v1/chat?key=${deck}&message=hi%20from%20the%20deck`, null);
    expect(fired.status).toBe(200);
    expect((await chatLog()).map((m) => m.content)).toEqual(["hi from the deck"]);
  });

  it("answers chat bots in plain text with ?format=text", async () => {
    const ok = await call("GET", `/v1/status?format=text&key=${key}`, null);
    expect(ok.headers.get("content-type")).toContain("text/plain");
    expect(ok.text).toBe("Offline.");
    const bad = await call("GET", `/v1/whoami?format=text&key=nope`, null);
    expect(bad.status).toBe(401);
    expect(bad.text).toMatch(/^Error: /);
  });

  it("rate-limits each key with a 429 and Retry-After", async () => {
    let last;
    for (let i = 0; i < 61; i++) last = await call("GET", "/v1/whoami", key);
    expect(last!.status).toBe(429);
    expect(last!.headers.get("retry-after")).toBe("60");
    expect(last!.json.error.code).toBe("rate_limited");
  });

  it("answers unknown paths and wrong methods in the error shape", async () => {
    expect((await call("GET", "/v1/nothing", key)).json).toMatchObject({ ok: false, error: { code: "not_found" } });
    const wrong = await call("PUT", "/v1/chat", key);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toContain("POST");
  });
});

describe("hot-path caches", () => {
  it("a revoked key stops working within 10 seconds (verified keys are cached that long per isolate)", async () => {
    const { handleAction } = await import("../../shared/actions/handleAction");
    const { AUTOMATIONS } = await import("../../functions/automations/Action");
    const { whoami } = await import("../../functions/automations/actions/status");
    const { automationKeys } = await import("../../shared/storage/accountsStore");
    const ask = (now: number) =>
      handleAction(
        AUTOMATIONS,
        whoami,
        new Request(`http://127.0.0.1:8788/v1/whoami?key=${key}`),
        E,
        {},
        undefined,
        now,
      );
    const t0 = Date.now();
    expect((await ask(t0)).status).toBe(200);
    const [info] = await automationKeys.list(E.DB, 1001);
    await automationKeys.revoke(E.DB, 1001, info!.id, t0);
    expect((await ask(t0 + 1_000)).status).toBe(200);
    expect((await ask(t0 + 10_001)).status).toBe(401);
  });
});
