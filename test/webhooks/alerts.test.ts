import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { WebhooksEnv } from "../../functions/webhooks/settings";
import { processEvent } from "../../functions/webhooks/processEvent";
import { EVENT_TYPES } from "../../shared/kick/schemas/events";
import { InvocationBudget } from "../../shared/refresh/invocationBudget";
import { REPLY_EVENTS } from "../../shared/webhooks/replyToEvent";
import { kickControl } from "../helpers/browser";
import { connectedAccount } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { deliver, signedEvent } from "../helpers/webhookDelivery";

const E = env as unknown as WebhooksEnv;

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  await connectedAccount(E, 1001, 90 * 60_000);
});

const alerts = async () =>
  (
    await E.DB.prepare("SELECT account_id, type, username, amount, reward, message FROM alerts ORDER BY id").all<
      Record<string, unknown>
    >()
  ).results;

describe("alerts for the overlay", () => {
  it("a signed follow, sub, resub, gift, KICKs and redemption each write their alert, with what it shows", async () => {
    for (const type of REPLY_EVENTS) await deliver(E, await signedEvent(type));
    expect(await alerts()).toEqual([
      {
        account_id: 1001,
        type: "channel.followed",
        username: "viewer_alice",
        amount: null,
        reward: null,
        message: null,
      },
      {
        account_id: 1001,
        type: "channel.subscription.new",
        username: "viewer_alice",
        amount: 1,
        reward: null,
        message: null,
      },
      {
        account_id: 1001,
        type: "channel.subscription.renewal",
        username: "viewer_bob",
        amount: 3,
        reward: null,
        message: null,
      },
      {
        account_id: 1001,
        type: "channel.subscription.gifts",
        username: "viewer_alice",
        amount: 2,
        reward: null,
        message: null,
      },
      {
        account_id: 1001,
        type: "kicks.gifted",
        username: "viewer_alice",
        amount: 100,
        reward: "Full Send",
        message: "let's go",
      },
      {
        account_id: 1001,
        type: "channel.reward.redemption.updated",
        username: "viewer_alice",
        amount: expect.any(Number),
        reward: expect.any(String),
        message: null,
      },
    ]);
  });

  it("an anonymous gifter is shown as Anonymous, and what a viewer wrote is cut to what an overlay shows", async () => {
    await deliver(
      E,
      await signedEvent("channel.subscription.gifts", { overrides: { gifter: { is_anonymous: true } } }),
    );
    await deliver(
      E,
      await signedEvent("channel.reward.redemption.updated", { overrides: { user_input: "x".repeat(1000) } }),
    );
    const [gift, redemption] = await alerts();
    expect(gift).toMatchObject({ username: "Anonymous", amount: 2 });
    expect((redemption!.message as string).length).toBe(300);
  });

  it("other events write none: going live, chat, bans, stream info, and a redemption being settled", async () => {
    for (const type of EVENT_TYPES.filter((t) => !(REPLY_EVENTS as string[]).includes(t)))
      await deliver(E, await signedEvent(type));
    await deliver(E, await signedEvent("channel.reward.redemption.updated", { overrides: { status: "accepted" } }));
    expect(await alerts()).toEqual([]);
    // Every one was processed all the same.
    const unprocessed = await E.DB.prepare(
      "SELECT COUNT(*) AS n FROM webhook_events WHERE processed_at IS NULL",
    ).first();
    expect(unprocessed).toEqual({ n: 0 });
  });

  it("a channel that is not connected gets none, and its event is still processed", async () => {
    await deliver(E, await signedEvent("channel.followed", { broadcaster_user_id: 3001 }));
    expect(await alerts()).toEqual([]);
    const row = await E.DB.prepare("SELECT outcome FROM webhook_events").first<{ outcome: string }>();
    expect(JSON.parse(row!.outcome)).toMatchObject({ account: "not_connected" });
  });

  it("a duplicate delivery and a re-run by the cron show nothing twice", async () => {
    const event = await signedEvent("channel.followed");
    await deliver(E, event);
    await deliver(E, event);
    // What the cron hands a re-run: the stored body, minutes later.
    const rerun = {
      messageId: event.headers["kick-event-message-id"]!,
      subscriptionId: null,
      type: "channel.followed" as const,
      version: 1 as const,
      sentAt: Date.now(),
      rawBody: event.body,
      payload: JSON.parse(event.body),
    };
    await processEvent(E, rerun, { budget: new InvocationBudget(), httpHosts: "", rerun: true });
    expect(await alerts()).toHaveLength(1);
  });

  it("counts its row in the event's D1 row writes", async () => {
    const log = vi.spyOn(console, "log");
    await deliver(E, await signedEvent("channel.followed"));
    await deliver(E, await signedEvent("livestream.metadata.updated"));
    const lines = log.mock.calls
      .map(([line]) => String(line))
      .filter((line) => line.includes('"webhook_processed"'))
      .map((line) => JSON.parse(line) as { type: string; d1_rows_written: number });
    log.mockRestore();
    // The event's row twice (inserted, then marked processed), and for a follow its alert.
    expect(lines.map((l) => [l.type, l.d1_rows_written])).toEqual([
      ["channel.followed", 3],
      ["livestream.metadata.updated", 2],
    ]);
  });
});
