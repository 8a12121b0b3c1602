import type { WebhooksEnv } from "../../functions/webhooks/settings";
import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { runAutomationsCron } from "../../functions/automations/runCron";
import type { AutomationsEnv } from "../../functions/automations/settings";
import { runWebhooksCron } from "../../functions/webhooks/runWebhooksCron";
import { kickConfigFromEnv } from "../../shared/kick/index";
import { createKickClient } from "../../shared/kick/endpoints";
import { getAppAccessToken } from "../../shared/tokens/getAppAccessToken";
import { chatLog } from "../helpers/automationsSetup";
import { kickControl } from "../helpers/browser";
import { connectedAccount } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { deliver, eventRows, signedEvent } from "../helpers/webhookDelivery";
import { addRelay as addRelayTo, inbox, signatureHolds } from "./relayReceivers";

const E = env as unknown as WebhooksEnv;
/** This project runs with the webhooks Worker's vars; the automations cron reads its own (wrangler.toml's values). */
const AS_AUTOMATIONS = {
  ...E,
  OAUTH_URL: "",
  KICKS_SNAPSHOT_LIVE_MINUTES: "5",
  KICKS_SNAPSHOT_MINUTES: "60",
  RELAY_HTTP_HOSTS: "",
} as unknown as AutomationsEnv;
const MIN = 60_000;

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  await connectedAccount(E, 1001, 90 * 60_000);
});

const outcomes = async () =>
  (await eventRows(E)).map((r) => JSON.parse(r.outcome ?? "null") as Record<string, unknown>);
const run = (sql: string, ...values: unknown[]) =>
  E.DB.prepare(sql)
    .bind(...values)
    .run();

describe("go-live", () => {
  beforeEach(async () => {
    await run(
      "INSERT INTO announce_rules (account_id, template, auto, updated_at) VALUES (1001, 'Live: {title}', 1, 0)",
    );
    await kickControl("PATCH", "/channels/1001", { is_live: true, stream_title: "Speedruns" });
  });

  it("is announced once: by the webhook, then the cron detector finds it done", async () => {
    await deliver(E, await signedEvent("livestream.status.updated", { overrides: { is_live: true } }));
    expect((await outcomes())[0]).toMatchObject({ announce: "posted" });
    expect(await runAutomationsCron(AS_AUTOMATIONS)).toMatchObject({ went_live: 1, announced: 0 });
    expect((await chatLog()).map((m) => m.content)).toEqual(["Live: Speedruns"]);
  });

  it("is announced once: by the cron detector, then the webhook finds it done", async () => {
    expect(await runAutomationsCron(AS_AUTOMATIONS)).toMatchObject({ went_live: 1, announced: 1 });
    await deliver(E, await signedEvent("livestream.status.updated", { overrides: { is_live: true } }));
    expect((await outcomes())[0]).toMatchObject({ announce: "already_announced" });
    expect(await chatLog()).toHaveLength(1);
  });

  it("is not announced when the stream ends", async () => {
    await deliver(E, await signedEvent("livestream.status.updated", { overrides: { is_live: false } }));
    expect((await outcomes())[0]).toMatchObject({ announce: "not_go_live" });
    expect(await chatLog()).toHaveLength(0);
  });
});

describe("chat replies", () => {
  it("fill the template and post once per cooldown, so a follow storm posts once", async () => {
    await run(
      "INSERT INTO event_replies (account_id, event, template, cooldown_seconds, as_bot, updated_at) VALUES (1001, 'channel.followed', 'Thanks for the follow, {user}!', 60, 0, 0)",
    );
    for (let i = 0; i < 3; i++) await deliver(E, await signedEvent("channel.followed"));
    expect((await outcomes()).map((o) => o.reply)).toEqual(["posted", "cooldown", "cooldown"]);
    expect((await chatLog()).map((m) => m.content)).toEqual(["Thanks for the follow, viewer_alice!"]);

    await run("UPDATE event_replies SET last_sent_at = last_sent_at - 61000");
    await deliver(E, await signedEvent("channel.followed"));
    expect(await chatLog()).toHaveLength(2);
  });

  it("answer a redemption when it is made, not when it is settled; nothing without a rule", async () => {
    await run(
      "INSERT INTO event_replies (account_id, event, template, cooldown_seconds, as_bot, updated_at) VALUES (1001, 'channel.reward.redemption.updated', '{user} redeemed {reward}: {input}', 0, 0, 0)",
    );
    await deliver(E, await signedEvent("channel.reward.redemption.updated", { overrides: { status: "accepted" } }));
    await deliver(
      E,
      await signedEvent("channel.reward.redemption.updated", {
        overrides: { status: "pending", user_input: "play Tetris" },
      }),
    );
    await deliver(E, await signedEvent("channel.subscription.new"));
    expect((await outcomes()).map((o) => o.reply)).toEqual(["not_new", "posted", "no_rule"]);
    expect((await chatLog()).map((m) => m.content)).toEqual([
      expect.stringMatching(/^viewer_alice redeemed .+: play Tetris$/),
    ]);
  });
});

describe("kicks.gifted", () => {
  it("takes a leaderboard snapshot", async () => {
    await deliver(E, await signedEvent("kicks.gifted"));
    expect((await outcomes())[0]).toMatchObject({ snapshot: ["week", "month", "lifetime"] });
    expect((await E.DB.prepare("SELECT COUNT(*) AS n FROM kicks_snapshots").first<{ n: number }>())!.n).toBe(3);
  });
});

const addRelay = async (name: string, events = ["*"]) => (await addRelayTo(E, name, { events })).secret;

const deliveries = async () =>
  (
    await E.DB.prepare("SELECT status, attempts, last_status, next_attempt_at FROM relay_deliveries").all<{
      status: string;
      attempts: number;
      last_status: number | null;
      next_attempt_at: number | null;
    }>()
  ).results;

describe("relays", () => {
  it("forward the normalized event, signed, to the relays that want its type", async () => {
    const secret = await addRelay("zap", ["channel.followed"]);
    await addRelay("other", ["kicks.gifted"]);
    const event = await signedEvent("channel.followed");
    await deliver(E, event);
    const { received } = await inbox("zap");
    expect(received).toHaveLength(1);
    expect((await inbox("other")).total).toBe(0);
    const got = received[0]!;
    expect(await signatureHolds(secret, got.headers["x-kick-edge-signature"]!, got.body)).toBe(true);
    expect(
      await signatureHolds(secret, got.headers["x-kick-edge-signature"]!, got.body.replace("followed", "unfollowed")),
    ).toBe(false);
    expect(got.headers["x-kick-edge-event"]).toBe("channel.followed");
    expect(JSON.parse(got.body)).toMatchObject({
      id: event.headers["kick-event-message-id"],
      type: "channel.followed",
      version: 1,
      broadcaster: { user_id: 1001 },
      actor: { user_id: 2001, username: "viewer_alice" },
      text: "viewer_alice followed",
      value1: "channel.followed",
      value2: "viewer_alice",
      data: JSON.parse(event.body),
    });
    expect(await deliveries()).toEqual([
      expect.objectContaining({ status: "delivered", attempts: 1, last_status: 200 }),
    ]);
  });

  it("retry a failing receiver with backoff from the cron until it answers", async () => {
    await addRelay("flaky");
    await kickControl("PUT", "/inbox/flaky", { fail_next: 2, fail_status: 503 });
    await deliver(E, await signedEvent("channel.followed"));
    const [first] = await deliveries();
    expect(first).toMatchObject({ status: "pending", attempts: 1, last_status: 503 });
    expect(await runWebhooksCron(E, first!.next_attempt_at! - 5_000)).toMatchObject({ relays_retried: 0 });
    expect(await runWebhooksCron(E, first!.next_attempt_at!)).toMatchObject({ relays_retried: 1, relays_delivered: 0 });
    const [second] = await deliveries();
    // The second wait is 5 minutes from that attempt (which ran a moment after its due time).
    expect(second!.next_attempt_at! - first!.next_attempt_at!).toBeGreaterThanOrEqual(5 * MIN);
    expect(second!.next_attempt_at! - first!.next_attempt_at!).toBeLessThan(5 * MIN + 10_000);
    expect(await runWebhooksCron(E, second!.next_attempt_at!)).toMatchObject({
      relays_retried: 1,
      relays_delivered: 1,
    });
    expect((await inbox("flaky")).received.map((r) => r.answered)).toEqual([503, 503, 200]);
  });

  it("dead-letter a delivery after the last retry, and at once on a refusal that will not pass", async () => {
    await addRelay("down");
    await kickControl("PUT", "/inbox/down", { fail_next: 100, fail_status: 500 });
    await deliver(E, await signedEvent("channel.followed"));
    let attempts = 1;
    for (let row = (await deliveries())[0]!; row.status === "pending"; row = (await deliveries())[0]!) {
      await runWebhooksCron(E, row.next_attempt_at!);
      attempts++;
    }
    expect(attempts).toBe(6);
    expect(await deliveries()).toEqual([
      expect.objectContaining({ status: "dead", attempts: 6, last_status: 500, next_attempt_at: null }),
    ]);

    await run("DELETE FROM relay_deliveries");
    await kickControl("PUT", "/inbox/down", { fail_next: 1, fail_status: 410 });
    await deliver(E, await signedEvent("channel.followed"));
    expect(await deliveries()).toEqual([expect.objectContaining({ status: "dead", attempts: 1, last_status: 410 })]);
  });
});

describe("subscription reconciliation", () => {
  const app = () =>
    createKickClient(kickConfigFromEnv(E), { getToken: () => getAppAccessToken(E, kickConfigFromEnv(E)) });
  const kicksSubs = async () =>
    (await kickControl<{ id: string; event: string; broadcaster_user_id: number }[]>("GET", "/subscriptions")).filter(
      (s) => s.broadcaster_user_id === 1001,
    );

  it("creates the missing, removes duplicates and unwanted ones, and recreates what Kick dropped", async () => {
    await addRelay("zap", ["channel.followed"]);
    await run(
      "INSERT INTO event_replies (account_id, event, template, cooldown_seconds, as_bot, updated_at) VALUES (1001, 'channel.subscription.new', 'Welcome {user}', 60, 0, 0)",
    );
    // Kick's state: followed posted twice (two subscriptions), an event nobody wants.
    await app().createSubscriptions({
      broadcaster_user_id: 1001,
      events: [{ name: "channel.followed", version: 1 }],
      method: "webhook",
    });
    await app().createSubscriptions({
      broadcaster_user_id: 1001,
      events: [
        { name: "channel.followed", version: 1 },
        { name: "moderation.banned", version: 1 },
      ],
      method: "webhook",
    });

    // Syncs run on even minutes (odd ones re-run lost events).
    const t0 = Math.ceil(Date.now() / (2 * MIN)) * 2 * MIN;
    expect(await runWebhooksCron(E, t0)).toMatchObject({ subscriptions_synced: 1, sync_errors: 0 });
    const events = (await kicksSubs()).map((s) => s.event).sort();
    expect(events).toEqual(["channel.followed", "channel.subscription.new", "kicks.gifted"]);

    // Kick drops one silently (a day of failed deliveries, or a phantom): the next sync brings it back.
    const followed = (await kicksSubs()).find((s) => s.event === "channel.followed")!;
    await kickControl("DELETE", `/subscriptions/${followed.id}`);
    expect(await runWebhooksCron(E, t0 + MIN)).toMatchObject({ subscriptions_synced: 0 });
    expect(await runWebhooksCron(E, t0 + 10 * MIN)).toMatchObject({ subscriptions_synced: 1 });
    expect((await kicksSubs()).map((s) => s.event).sort()).toEqual(events);
  });
});

describe("the app token", () => {
  it("is replaced when Kick refuses it (revoked), and the sync goes on", async () => {
    const { revokeToken } = await import("../../shared/kick/index");
    const config = kickConfigFromEnv(E);
    const before = await getAppAccessToken(E, config);
    await revokeToken(config, before, "access_token");
    await addRelay("zap", ["channel.followed"]);
    const t0 = Math.ceil(Date.now() / (2 * MIN)) * 2 * MIN;
    expect(await runWebhooksCron(E, t0)).toMatchObject({ subscriptions_synced: 1, sync_errors: 0 });
    expect(await getAppAccessToken(E, config)).not.toBe(before);
  });
});

describe("resilience", () => {
  const odd = () => Math.ceil(Date.now() / (2 * MIN)) * 2 * MIN + MIN;

  it("re-runs an event whose work was lost (the isolate died after the answer), once, without repeating replies", async () => {
    await run(
      "INSERT INTO event_replies (account_id, event, template, cooldown_seconds, as_bot, updated_at) VALUES (1001, 'channel.followed', 'Thanks {user}', 0, 0, 0)",
    );
    await addRelay("zap");
    const event = await signedEvent("channel.followed");
    const id = event.headers["kick-event-message-id"];
    // What the intake leaves before handing the work to waitUntil.
    await run(
      "INSERT INTO webhook_events (message_id, type, broadcaster_user_id, sent_at, received_at, body) VALUES (?, 'channel.followed', 1001, ?, ?, ?)",
      id,
      Date.now(),
      Date.now() - 3 * MIN,
      event.body,
    );
    expect(await runWebhooksCron(E, odd())).toMatchObject({ events_rerun: 1 });
    expect((await outcomes())[0]).toMatchObject({ reply: "skipped_on_rerun", relays: ["delivered"] });
    expect((await inbox("zap")).total).toBe(1);
    expect(await chatLog()).toHaveLength(0);
    expect(await runWebhooksCron(E, odd() + 2 * MIN)).toMatchObject({ events_rerun: 0 });
    expect((await E.DB.prepare("SELECT body FROM webhook_events").first<{ body: string | null }>())!.body).toBeNull();
  });

  it("keeps a late relay result from overwriting a newer attempt's", async () => {
    await addRelay("zap");
    await deliver(E, await signedEvent("channel.followed"));
    const { recordRelayResults } = await import("../../shared/storage/webhookStore");
    const [row] = (await E.DB.prepare("SELECT id FROM relay_deliveries").all<{ id: string }>()).results;
    await E.DB.batch(
      recordRelayResults(
        E.DB,
        [
          {
            id: row!.id,
            relay_id: "relay-zap",
            lease_id: "an-expired-lease",
            status: "dead",
            http_status: 500,
            error: "unreachable",
            next_attempt_at: null,
          },
        ],
        Date.now(),
      ),
    );
    expect(await deliveries()).toEqual([expect.objectContaining({ status: "delivered", last_status: 200 })]);
  });

  it("stays within the Free plan's 50 D1 queries a run with a backlog of relays, syncs and lost events", async () => {
    const { InvocationBudget } = await import("../../shared/refresh/invocationBudget");
    await addRelay("zap");
    await run(
      "INSERT INTO event_replies (account_id, event, template, cooldown_seconds, as_bot, updated_at) VALUES (1001, 'channel.followed', 'Thanks {user}', 0, 0, 0)",
    );
    for (let user = 3100; user < 3110; user++)
      await run(
        "INSERT INTO accounts (id, username, role, scopes, connected_at) VALUES (?, ?, 'broadcaster', 'user:read', 0)",
        user,
        `streamer${user}`,
      );
    const event = await signedEvent("channel.followed");
    for (let i = 0; i < 40; i++) {
      await run(
        "INSERT INTO relay_deliveries (id, relay_id, message_id, body, status, attempts, next_attempt_at, created_at, updated_at) VALUES (?, 'relay-zap', ?, ?, 'pending', 1, 0, 0, 0)",
        `d${i}`,
        `m${i}`,
        JSON.stringify({ type: "channel.followed" }),
      );
      await run(
        "INSERT INTO webhook_events (message_id, type, broadcaster_user_id, sent_at, received_at, body) VALUES (?, 'channel.followed', 1001, 0, 0, ?)",
        `lost${i}`,
        event.body,
      );
    }
    for (const at of [odd() - MIN, odd()]) {
      const budget = new InvocationBudget();
      await runWebhooksCron(budget.meter(E), at);
      expect(budget.used.d1Queries, new Date(at).toISOString()).toBeLessThanOrEqual(50);
    }
  });
});
