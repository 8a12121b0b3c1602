import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";
import { EVENT_TYPES } from "../shared/kick/schemas/events";
import { keyRing } from "../shared/tokens/encryptionKeys";
import { seal } from "../shared/tokens/seal";
import { relaySecretContext } from "../shared/webhooks/relayDeliveries";
import { kickControl } from "../test/helpers/browser";
import { connectedAccount } from "../test/helpers/connectedAccount";
import { resetWorkerState } from "../test/helpers/resetWorkerState";
import { signedEvent, type SignedEvent } from "../test/helpers/webhookDelivery";

const E = env as unknown as Cloudflare.WebhooksEnv;
const DELIVERIES = 5000;
const CONCURRENCY = 32;
const DUPLICATE_SHARE = 0.1;
const FORGED_SHARE = 0.05;

/** Sends every request, CONCURRENCY at once; per-request latency in ms, and the status counts. */
async function load(requests: (() => Promise<Response>)[]) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const send = requests[next++]!;
        const t = performance.now();
        const response = await send();
        const body = await response.json<{ data?: { duplicate?: boolean } }>();
        latencies.push(performance.now() - t);
        const status = response.status === 200 && body.data?.duplicate ? 208 : response.status;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2));
  return {
    requests: requests.length,
    throughput_per_s: Math.round((requests.length / wallMs) * 1000),
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    statuses,
  };
}

const post =
  (d: SignedEvent, body = d.body) =>
  () =>
    SELF.fetch("http://127.0.0.1:8789/kick", { method: "POST", headers: d.headers, body });

/**
 * 5,000 signed deliveries (10% sent twice, 5% forged) at concurrency 32 through the webhooks
 * Worker; every valid event relayed. Counts must be exact; the intake's p99 is reported
 * against a bare 200 endpoint of the same Worker in the same run.
 */
it("webhook run", { timeout: 20 * 60_000 }, async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  await connectedAccount(E, 1001, 90 * 60_000);
  const sealed = await seal(await keyRing(E), "whsec_bench", relaySecretContext("bench"));
  await E.DB.prepare(
    "INSERT INTO relays (id, account_id, name, url, events, secret, created_at) VALUES ('bench', 1001, 'bench', 'https://relay.test/_emulator/inbox/bench', '[\"*\"]', ?, 0)",
  )
    .bind(sealed)
    .run();

  const duplicates = Math.round(DELIVERIES * DUPLICATE_SHARE);
  const forged = Math.round(DELIVERIES * FORGED_SHARE);
  const unique = DELIVERIES - duplicates - forged;
  const valid: SignedEvent[] = [];
  for (let i = 0; i < unique; i++) valid.push(await signedEvent(EVENT_TYPES[i % EVENT_TYPES.length]!));
  const requests = [
    ...valid.map((d) => post(d)),
    ...valid.slice(0, duplicates).map((d) => post(d)),
    // Forged: a real signature over a changed body (what an attacker replaying with edits sends).
    ...valid
      .slice(duplicates, duplicates + forged)
      .map((d) => post(d, d.body.replace(/"user_id":(\d+)/, '"user_id":9$1'))),
  ];
  // A fixed shuffle, so duplicates arrive at any point, some while the original is in flight.
  let seed = 7;
  for (let i = requests.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [requests[i], requests[j]] = [requests[j]!, requests[i]!];
  }

  const bare = await load(Array.from({ length: DELIVERIES }, () => () => SELF.fetch("http://127.0.0.1:8789/healthz")));
  const intake = await load(requests);

  // The work after the answer (waitUntil): wait until every accepted event has run its steps.
  const processed = async () =>
    (await E.DB.prepare("SELECT COUNT(*) AS n FROM webhook_events WHERE processed_at IS NOT NULL").first<{
      n: number;
    }>())!.n;
  for (let waited = 0; (await processed()) < unique && waited < 120_000; waited += 250)
    await new Promise((r) => setTimeout(r, 250));
  const relayed = (await E.DB.prepare("SELECT COUNT(*) AS n FROM relay_deliveries WHERE status = 'delivered'").first<{
    n: number;
  }>())!.n;
  const actionsRun = await processed();

  // The same, one at a time (no queue behind the steps of other events): what the intake itself costs.
  // The mean over the run: workerd's clock moves only across I/O, too coarse for one quick call.
  const serial = async (send: () => Promise<Response>, n = 100) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) await (await send()).arrayBuffer();
    return Number(((performance.now() - t) / n).toFixed(2));
  };
  const fresh: SignedEvent[] = [];
  for (let i = 0; i < 100; i++) fresh.push(await signedEvent("channel.followed"));
  let k = 0;
  const serialIntake = await serial(() => post(fresh[k++]!)());
  const serialBare = await serial(() => SELF.fetch("http://127.0.0.1:8789/healthz"));

  const result = {
    deliveries: DELIVERIES,
    concurrency: CONCURRENCY,
    unique_valid: unique,
    accepted: intake.statuses.get(200) ?? 0,
    duplicates_sent: duplicates,
    duplicates_suppressed: intake.statuses.get(208) ?? 0,
    forged_sent: forged,
    rejected: intake.statuses.get(401) ?? 0,
    other_statuses: Object.fromEntries([...intake.statuses].filter(([s]) => ![200, 208, 401].includes(s))),
    actions_run: actionsRun,
    // The relay takes "*", which never includes chat messages (they are many; a relay names them to get them).
    relays_expected: valid.filter((d) => new Headers(d.headers).get("kick-event-type") !== "chat.message.sent").length,
    relays_delivered: relayed,
    intake: { throughput_per_s: intake.throughput_per_s, p50_ms: intake.p50_ms, p99_ms: intake.p99_ms },
    bare_200: { throughput_per_s: bare.throughput_per_s, p50_ms: bare.p50_ms, p99_ms: bare.p99_ms },
    p99_ratio: Number((intake.p99_ms / bare.p99_ms).toFixed(2)),
    one_at_a_time_mean_ms: {
      intake: serialIntake,
      bare_200: serialBare,
      ratio: Number((serialIntake / serialBare).toFixed(2)),
    },
  };
  console.log(`BENCH_RESULT ${JSON.stringify({ webhooks: result })}`);
  expect(result.accepted).toBe(unique);
  expect(result.duplicates_suppressed).toBe(duplicates);
  expect(result.rejected).toBe(forged);
  expect(result.actions_run).toBe(unique);
  expect(result.relays_delivered).toBe(result.relays_expected);
});
