import type { WebhooksEnv } from "../../functions/webhooks/settings";
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { runWebhooksCron } from "../../functions/webhooks/runWebhooksCron";
import { FREE_PLAN_LIMITS } from "../../shared/refresh/invocationBudget";
import { maxRowWritesPerEvent } from "../../shared/storage/webhookStore";
import { INVOCATION_COSTS } from "../../shared/webhooks/relayPolicy";
import { kickControl } from "../helpers/browser";
import { connectedAccount } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { deliver, signedEvent } from "../helpers/webhookDelivery";
import { addRelay, inbox, inboxUrl, signatureParts, v1Holds } from "./relayReceivers";

// Relays under the Free plan's limits, and receivers' say over them: what the issue asks of
// fan-out, quotas and outbound relays, driven through the webhooks Worker's intake and cron.

const E = env as unknown as WebhooksEnv;
/** The Worker as deployed: npm run deploy empties RELAY_HTTP_HOSTS, so this is not local development. */
const PRODUCTION = { ...E, RELAY_HTTP_HOSTS: "" } as WebhooksEnv;
const MIN = 60_000;
/** A cron time on an odd minute (re-runs and retries, no subscription sync), ahead of anything queued now. */
const odd = () => Math.ceil(Date.now() / (2 * MIN)) * 2 * MIN + MIN;

let log: MockInstance;
beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  await connectedAccount(E, 1001, 90 * 60_000);
  log = vi.spyOn(console, "log");
});
afterEach(() => log.mockRestore());

const run = (sql: string, ...values: unknown[]) =>
  E.DB.prepare(sql)
    .bind(...values)
    .run();
const all = async <T>(sql: string, ...values: unknown[]) =>
  (
    await E.DB.prepare(sql)
      .bind(...values)
      .all<T>()
  ).results;

/** The `webhook_processed` lines the Worker logged, parsed. */
const processed = () =>
  log.mock.calls
    .map((call) => String(call[0]))
    .filter((line) => line.includes('"webhook_processed"'))
    .map((line) => JSON.parse(line) as { outcome: { relays: string[] }; d1_rows_written: number; subrequests: number });

/** A delivery waiting for the cron, as the intake leaves one it had no subrequest for. */
const queue = (relayId: string, id: string) =>
  run(
    "INSERT INTO relay_deliveries (id, relay_id, message_id, body, status, attempts, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, 0, 0, 0)",
    id,
    relayId,
    `m-${id}`,
    JSON.stringify({ type: "channel.followed" }),
  );

describe("chat.message.sent", () => {
  it("goes only to relays that name it, never through *, and is subscribed only then", async () => {
    await addRelay(E, "every", { events: ["*"] });
    const t0 = Math.ceil(Date.now() / (2 * MIN)) * 2 * MIN;
    await runWebhooksCron(E, t0);
    const subscribed = async () =>
      (await kickControl<{ event: string }[]>("GET", "/subscriptions")).map((s) => s.event);
    expect(await subscribed()).toContain("channel.followed");
    expect(await subscribed()).not.toContain("chat.message.sent");

    await addRelay(E, "chat", { events: ["chat.message.sent"] });
    await deliver(E, await signedEvent("chat.message.sent"));
    await deliver(E, await signedEvent("channel.followed"));
    const types = async (name: string) => (await inbox(name)).received.map((r) => r.headers["x-kick-edge-event"]);
    expect(await types("every")).toEqual(["channel.followed"]);
    expect(await types("chat")).toEqual(["chat.message.sent"]);
    await runWebhooksCron(E, t0 + 10 * MIN);
    expect(await subscribed()).toContain("chat.message.sent");
  });
});

describe("the subrequest budget", () => {
  const FIRST_TRIES = FREE_PLAN_LIMITS.subrequests - INVOCATION_COSTS.publicKey - INVOCATION_COSTS.eventSteps;

  it("lets the intake send what one invocation allows and leaves the rest to the cron", async () => {
    for (let i = 0; i < FIRST_TRIES + 3; i++) await addRelay(E, `fan${i}`, { url: inboxUrl("fan") });
    await deliver(E, await signedEvent("channel.followed"));
    const [line] = processed();
    expect(line!.subrequests).toBe(FREE_PLAN_LIMITS.subrequests);
    expect(line!.outcome.relays.filter((r) => r === "delivered")).toHaveLength(FIRST_TRIES);
    expect(line!.outcome.relays.filter((r) => r === "queued")).toHaveLength(3);
    expect((await inbox("fan")).total).toBe(FIRST_TRIES);
    expect(
      await all(
        "SELECT attempts, lease_id FROM relay_deliveries WHERE status = 'pending' AND next_attempt_at <= ?",
        Date.now(),
      ),
    ).toEqual([...Array(3)].map(() => ({ attempts: 0, lease_id: null })));

    expect(await runWebhooksCron(E, odd())).toMatchObject({ relays_retried: 3, relays_delivered: 3 });
    expect((await inbox("fan")).total).toBe(FIRST_TRIES + 3);
    expect(await all("SELECT DISTINCT status FROM relay_deliveries")).toEqual([{ status: "delivered" }]);
  });

  it("holds each cron run to 50 subrequests across re-runs and retries, carrying the rest", async () => {
    for (let i = 0; i < 20; i++) await addRelay(E, `burst${i}`, { url: inboxUrl("burst") });
    const event = await signedEvent("channel.followed");
    for (let i = 0; i < 3; i++)
      await run(
        "INSERT INTO webhook_events (message_id, type, broadcaster_user_id, sent_at, received_at, body) VALUES (?, 'channel.followed', 1001, ?, ?, ?)",
        `lost${i}`,
        Date.now(),
        Date.now() - 3 * MIN,
        event.body,
      );
    // Two re-runs (12 for the steps, then 20 sends; 12, then the 6 sends left); the third waits.
    const first = await runWebhooksCron(E, odd());
    expect(first).toMatchObject({ events_rerun: 2, relays_retried: 0, subrequests: 50 });
    expect((await inbox("burst")).total).toBe(26);
    // The third event's steps and sends, then the 14 queued by the second.
    const second = await runWebhooksCron(E, odd() + 2 * MIN);
    expect(second).toMatchObject({ events_rerun: 1, relays_retried: 14 });
    expect(second.subrequests).toBeLessThanOrEqual(FREE_PLAN_LIMITS.subrequests);
    expect((await inbox("burst")).total).toBe(60);
    expect(await all("SELECT status, COUNT(*) AS n FROM relay_deliveries GROUP BY status")).toEqual([
      { status: "delivered", n: 60 },
    ]);
  });
});

describe("D1 rows an event writes", () => {
  it("are logged with the event and stay within the stated bound", async () => {
    await run(
      "INSERT INTO event_replies (account_id, event, template, cooldown_seconds, as_bot, updated_at) VALUES (1001, 'channel.followed', 'Thanks {user}', 0, 0, 0)",
    );
    for (let i = 0; i < 10; i++) await addRelay(E, `r${i}`, { url: inboxUrl("rows") });
    await kickControl("PUT", "/inbox/rows", { fail_next: 1, fail_status: 410 });
    await deliver(E, await signedEvent("channel.followed"));
    const [line] = processed();
    expect(line!.outcome).toMatchObject({ reply: "posted" });
    // The event's row, its alert for the overlay, the reply's cooldown slot, 10 deliveries queued
    // and 10 results, the relay that answered 410 disabled, and the event's row marked processed.
    expect(line!.d1_rows_written).toBe(1 + 1 + 1 + 10 + 10 + 1 + 1);
    expect(line!.d1_rows_written).toBeLessThanOrEqual(maxRowWritesPerEvent(10));
    expect(maxRowWritesPerEvent(10)).toBe(35);
  });
});

describe("a receiver that answers 410 Gone", () => {
  it("disables its relay, with why, and the relay gets nothing more", async () => {
    await addRelay(E, "gone");
    await addRelay(E, "kept");
    await kickControl("PUT", "/inbox/gone", { fail_next: 1, fail_status: 410 });
    await deliver(E, await signedEvent("channel.followed"));
    const [relay] = await all<{ disabled_at: number | null; disabled_reason: string | null }>(
      "SELECT disabled_at, disabled_reason FROM relays WHERE id = 'relay-gone'",
    );
    expect(relay!.disabled_at).toBeGreaterThan(0);
    expect(relay!.disabled_reason).toMatch(/410/);

    // A retry queued before, and the next event: neither reaches the receiver.
    await queue("relay-gone", "stale");
    await deliver(E, await signedEvent("channel.followed"));
    await runWebhooksCron(E, odd());
    expect((await inbox("gone")).total).toBe(1);
    expect((await inbox("kept")).total).toBe(2);
    expect(
      await all(
        "SELECT id, status, last_status, last_error FROM relay_deliveries WHERE relay_id = 'relay-gone' ORDER BY id",
      ),
    ).toEqual([
      expect.objectContaining({ status: "dead", last_status: 410, last_error: null }),
      { id: "stale", status: "dead", last_status: null, last_error: "relay_disabled" },
    ]);
  });
});

describe("a rotated secret", () => {
  it("signs beside the new one during the overlap (t=…,v1=<new>,v1=<old>), and not after", async () => {
    const { secret } = await addRelay(E, "rot", { previous: { secret: "whsec_old", until: Date.now() + 3_600_000 } });
    await deliver(E, await signedEvent("channel.followed"));
    const [during] = (await inbox("rot")).received;
    const signed = signatureParts(during!.headers["x-kick-edge-signature"]!);
    expect(signed.v1).toHaveLength(2);
    expect(await v1Holds(secret, signed.t, signed.v1[0]!, during!.body)).toBe(true);
    expect(await v1Holds("whsec_old", signed.t, signed.v1[1]!, during!.body)).toBe(true);

    await run("UPDATE relays SET previous_secret_until = ?", Date.now() - 1);
    await deliver(E, await signedEvent("channel.followed"));
    const after = (await inbox("rot")).received[1]!;
    const only = signatureParts(after.headers["x-kick-edge-signature"]!);
    expect(only.v1).toHaveLength(1);
    expect(await v1Holds(secret, only.t, only.v1[0]!, after.body)).toBe(true);
  });
});

describe("relay targets at send time", () => {
  it("refuse IP literals and internal hosts; RELAY_HTTP_HOSTS works in local development only", async () => {
    const targets = {
      local: "http://127.0.0.1/_emulator/inbox/local",
      private: "https://10.0.0.7/_emulator/inbox/private",
      metadata: "https://169.254.169.254/_emulator/inbox/metadata",
      internal: "https://hooks.corp.internal/_emulator/inbox/internal",
    };
    for (const [name, url] of Object.entries(targets)) {
      await addRelay(E, name, { url });
      await queue(`relay-${name}`, name);
    }
    const outcomes = () =>
      all<{ id: string; status: string; last_error: string | null }>(
        "SELECT id, status, last_error FROM relay_deliveries ORDER BY id",
      );

    // As deployed: none of them is sent.
    await runWebhooksCron(PRODUCTION, odd());
    expect(await outcomes()).toEqual(
      ["internal", "local", "metadata", "private"].map((id) => ({ id, status: "dead", last_error: "target_refused" })),
    );
    for (const name of Object.keys(targets)) expect((await inbox(name)).total, name).toBe(0);

    // In local development the listed loopback receiver is reached; the others still are not.
    await run("UPDATE relay_deliveries SET status = 'pending', attempts = 0, next_attempt_at = 0");
    await runWebhooksCron(E, odd() + 2 * MIN);
    expect(await outcomes()).toEqual([
      { id: "internal", status: "dead", last_error: "target_refused" },
      { id: "local", status: "delivered", last_error: null },
      { id: "metadata", status: "dead", last_error: "target_refused" },
      { id: "private", status: "dead", last_error: "target_refused" },
    ]);
    expect((await inbox("local")).total).toBe(1);
  });
});
