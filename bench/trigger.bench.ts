import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";
import { automationKeys } from "../shared/storage/accountsStore";
import { setUp } from "../test/helpers/automationsSetup";
import { counting, type Counts } from "./counting";

const E = env as unknown as Cloudflare.AutomationsEnv & { AUTOMATIONS_BUNDLE: Fetcher };
const POSTS = 2000;
const CONCURRENCY = 16;

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`http://kick.test/_emulator${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

/** Runs `send` POSTS times, CONCURRENCY at once; latencies in ms and the wall time. */
async function load(send: (i: number) => Promise<Response>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < POSTS) {
        const i = next++;
        const t = performance.now();
        const response = await send(i);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`post ${i}: HTTP ${response.status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2));
  return {
    posts: POSTS,
    concurrency: CONCURRENCY,
    throughput_per_s: Math.round((POSTS / wallMs) * 1000),
    p50_ms: at(0.5),
    p99_ms: at(0.99),
  };
}

/** A chat post through the automations Worker, beside the same post sent straight to the emulator. */
it("trigger run", { timeout: 10 * 60_000 }, async () => {
  await setUp(E, ["chat"]);
  await control("PATCH", "/settings", { chat_rate_max: 1_000_000 });
  // One key per 50 posts keeps the per-key rate limit (60 a minute) out of the measurement.
  const keys: string[] = [];
  for (let i = 0; i < POSTS / 50; i++)
    keys.push(
      (
        await automationKeys.create(E.DB, {
          accountId: 1001,
          name: `bench${i}`,
          capabilities: ["chat"],
          now: Date.now(),
        })
      ).key,
    );
  const token = (await control<{ access_token: string }>("POST", "/tokens", { user_id: 1001 })).access_token;

  const direct = await load(() =>
    fetch(
      new Request("http://kick.test/public/v1/chat", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ type: "user", broadcaster_user_id: 1001, content: "bench direct" }),
      }),
    ),
  );
  const viaWorker = (target: { fetch: typeof fetch }) => (i: number) =>
    target.fetch("http://127.0.0.1:8788/v1/chat", {
      method: "POST",
      headers: { "x-api-key": keys[i % keys.length]!, "content-type": "application/json" },
      body: JSON.stringify({ message: "bench via worker" }),
    });
  const worker = await load(viaWorker(SELF));
  const bundled = await load(viaWorker(E.AUTOMATIONS_BUNDLE));
  // What one call through the Worker adds, hop by hop (serial, so they do not contend).
  const serial = async (fn: () => Promise<unknown>, n = 200) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) await fn();
    return Number(((performance.now() - t) / n).toFixed(2));
  };
  const hops = {
    worker_routing_ms: await serial(() => SELF.fetch("http://127.0.0.1:8788/healthz").then((r) => r.arrayBuffer())),
    d1_query_ms: await serial(() => E.DB.prepare("SELECT 1").first()),
    kv_read_ms: await serial(() => E.TOKENS.get("token:1001")),
    rate_limiter_ms: await serial(() => E.KEY_LIMITER.limit({ key: "bench-probe" })),
    kick_chat_post_ms: await serial(() =>
      fetch(
        new Request("http://kick.test/public/v1/chat", {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ type: "user", broadcaster_user_id: 1001, content: "probe" }),
        }),
      ).then((r) => r.arrayBuffer()),
    ),
  };
  // Counts per call, warm (key verified and token read once already), serial: what each call
  // does before its answer, and what waitUntil does after it (the activity rows, gathered for a second).
  const take = await counting({ DB: E.DB, TOKENS: E.TOKENS, limiters: [E.KEY_LIMITER, E.CHAT_LIMITER] });
  const fresh = (
    await automationKeys.create(E.DB, {
      accountId: 1001,
      name: "bench-counts",
      capabilities: ["chat"],
      now: Date.now(),
    })
  ).key;
  const post = () =>
    SELF.fetch("http://127.0.0.1:8788/v1/chat", {
      method: "POST",
      headers: { "x-api-key": fresh, "content-type": "application/json" },
      body: JSON.stringify({ message: "bench counts" }),
    }).then((r) => r.arrayBuffer());
  await post();
  await new Promise((r) => setTimeout(r, 1500));
  await take();
  const CALLS = 40;
  const before: Counts = { d1: 0, kv: 0, limiter: 0, kick: 0 };
  for (let i = 0; i < CALLS; i++) {
    await post();
    for (const [k, v] of Object.entries(await take())) before[k as keyof Counts] += v;
  }
  await new Promise((r) => setTimeout(r, 1500));
  const per = (c: Counts) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Number((v / CALLS).toFixed(3))]));
  const counts = { before_answer: per(before), after_answer: per(await take()) };
  const result = {
    direct,
    worker,
    bundled,
    bundled_throughput_ratio: Number((bundled.throughput_per_s / direct.throughput_per_s).toFixed(2)),
    bundled_p99_ratio: Number((bundled.p99_ms / direct.p99_ms).toFixed(2)),
    counts_per_call: counts,
    serial_hops: hops,
    throughput_ratio: Number((worker.throughput_per_s / direct.throughput_per_s).toFixed(2)),
    p99_ratio: Number((worker.p99_ms / direct.p99_ms).toFixed(2)),
  };
  console.log(`BENCH_RESULT ${JSON.stringify({ trigger: result })}`);
  expect(worker.posts).toBe(POSTS);
});
