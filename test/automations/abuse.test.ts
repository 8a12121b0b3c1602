import { SELF, env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { CONNECT_CAPABILITIES } from "../../shared/capabilities";
import { TIMER_LIMITS } from "../../shared/storage/rulesStore";
import { REPLY_EVENTS } from "../../shared/webhooks/replyToEvent";
import { runAutomationsCron } from "../../functions/automations/runCron";
import type { AutomationsEnv } from "../../functions/automations/settings";
import { kickControl } from "../helpers/browser";
import { AUTOMATIONS, call, chatLog, kickCalls, setUp } from "../helpers/automationsSetup";

// A full-capability key has leaked (pasted into a shared Zap, a screenshot of a Stream Deck
// profile): whatever its holder sends, the channel and the account stay within the caps.

const E = env as unknown as AutomationsEnv;
const count = async (table: string) =>
  (await E.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())!.n;

let key: string;
beforeEach(async () => {
  key = await setUp(E, [...CONNECT_CAPABILITIES]);
});

describe("a leaked full-capability key", () => {
  it(
    "1,000 attempts to create timers leave at most the cap, every one at least 5 minutes apart",
    { timeout: 60_000 },
    async () => {
      const answers = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          call("POST", "/v1/timers", key, {
            json: { name: `spam ${i}`, message: "buy followers", interval_minutes: TIMER_LIMITS.minIntervalMinutes },
          }),
        ),
      );
      expect(await count("timers")).toBe(TIMER_LIMITS.perAccount);
      const codes = new Set(answers.filter((a) => a.status !== 200).map((a) => a.json.error.code));
      // Past the cap: refused by it, or by the key's own rate limit first.
      expect([...codes].every((c) => c === "timer_limit" || c === "rate_limited")).toBe(true);
      const fast = await call("POST", "/v1/timers", key, {
        json: { name: "spam 0", message: "every minute", interval_minutes: 1 },
      });
      expect(fast.status === 429 || fast.json.error.details[0].field === "interval_minutes").toBe(true);
    },
  );

  it("1,000 attempts to create relays leave at most MAX_RELAYS_PER_ACCOUNT (10)", { timeout: 60_000 }, async () => {
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        call("POST", "/v1/events/relays", key, {
          json: { name: `spam ${i}`, url: `https://hooks.example.com/${i}`, events: ["*"] },
        }),
      ),
    );
    expect(await count("relays")).toBe(10);
    const codes = new Set(answers.filter((a) => a.status !== 200).map((a) => a.json.error.code));
    expect([...codes].every((c) => c === "relay_limit" || c === "rate_limited")).toBe(true);
  });

  it(
    "announce rules and event replies are one per account and event type, however often they are set",
    { timeout: 60_000 },
    async () => {
      const events = [...REPLY_EVENTS, "chat.message.sent", "nope"];
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          Promise.all([
            call("POST", "/v1/announce/rule", key, { json: { template: `Live ${i}: {title}` } }),
            call("POST", "/v1/events/replies", key, {
              json: { event: events[i % events.length], template: `thanks ${i}`, cooldown_seconds: 0 },
            }),
          ]),
        ),
      );
      expect(await count("announce_rules")).toBeLessThanOrEqual(1);
      expect(await count("event_replies")).toBeLessThanOrEqual(REPLY_EVENTS.length);
    },
  );

  it("an older one-minute timer is still held to the shortest interval by the cron", async () => {
    // Written straight to D1, as a row from before the floor existed.
    await E.DB.prepare(
      "INSERT INTO timers (account_id, name, message, interval_minutes, enabled, created_at) VALUES (1001, 'old', 'every minute', 1, 1, 0)",
    ).run();
    await kickControl("PATCH", "/channels/1001", { is_live: true, stream_title: "Live" });
    const started = Date.now();
    let posted = 0;
    for (let minute = 1; minute <= 10; minute++)
      posted += (await runAutomationsCron(E, started + minute * 60_000)).timers_posted;
    expect(posted).toBe(2);
  });

  it("chat posts per minute stay under the cap, whatever mix of sources sends them", async () => {
    await kickControl("PATCH", "/channels/1001", { is_live: true, stream_title: "Live" });
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push(await call("POST", "/v1/chat", key, { json: { message: `spam ${i}` } }));
    // The minute's budget (20) is the channel's across this file's tests: earlier ones may have spent some.
    const sent = answers.filter((a) => a.status === 200).length;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(20);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.json.error.code)).toEqual(
      Array(30 - sent).fill("chat_cap"),
    );
    expect(await chatLog()).toHaveLength(sent);
    // A timer due now shares the same minute's posts: it waits instead of posting.
    await call("POST", "/v1/timers", key, { json: { name: "t", message: "timer", interval_minutes: 5 } });
    expect((await runAutomationsCron(E, Date.now() + 10 * 60_000)).timers_posted).toBe(0);
    expect(await chatLog()).toHaveLength(sent);
  });

  it("a chat post takes the channel's chat cap instead of the key's budget; with an Idempotency-Key, both", async () => {
    const whoamis = async (n: number) => {
      const codes = [];
      for (let i = 0; i < n; i++) codes.push((await call("GET", "/v1/whoami", key)).json.error?.code ?? "ok");
      return codes;
    };
    // The channel's minute spent (by this test or earlier ones in this file).
    for (let i = 0; i < 21; i++) await call("POST", "/v1/chat", key, { json: { message: `spam ${i}` } });
    const refused = await call("POST", "/v1/chat", key, { json: { message: "one more" } });
    expect(refused.json.error.code).toBe("chat_cap");
    // None of those 22 posts spent the key's 60 calls a minute: one limiter before Kick, not two.
    expect(await whoamis(61)).toEqual([...Array(60).fill("ok"), "rate_limited"]);

    // An Idempotency-Key means a D1 write before Kick: that call spends the key's budget too.
    key = await setUp(E, ["chat"]);
    const keyed = await call("POST", "/v1/chat", key, {
      json: { message: "once" },
      headers: { "idempotency-key": "spam-1" },
    });
    expect(keyed.json.error.code).toBe("chat_cap");
    expect(await whoamis(60)).toEqual([...Array(59).fill("ok"), "rate_limited"]);
  });
});

describe("a hostile request", () => {
  /** A body sent in chunks, with no Content-Length: its size is known only by reading it. */
  const chunked = (bytes: number) => {
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes) return controller.close();
        const chunk = new TextEncoder().encode(
          `{"message":"${"x".repeat(16_000)}`.slice(0, Math.min(16_384, bytes - sent)),
        );
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
  };

  it("is stopped at 64 KiB with a 413, whether chunked or declared, on the trigger and the rules paths", async () => {
    for (const path of ["/v1/chat", "/v1/timers"]) {
      const streamed = await SELF.fetch(`${AUTOMATIONS}${path}`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: chunked(2 * 1024 * 1024),
        duplex: "half",
      } as RequestInit);
      expect(streamed.status, path).toBe(413);
      expect(((await streamed.json()) as { error: { code: string } }).error.code).toBe("body_too_large");
    }
    const declared = await call("POST", "/v1/chat", key, { json: { message: "x".repeat(70_000) } });
    expect(declared.status).toBe(413);
    expect(await kickCalls()).toEqual([]);
    expect(await count("timers")).toBe(0);
  });
});
