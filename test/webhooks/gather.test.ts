import type { WebhooksEnv } from "../../functions/webhooks/settings";
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import webhooks from "../../functions/webhooks/index";
import { arrive } from "../../functions/webhooks/gather";
import { kickControl } from "../helpers/browser";
import { connectedAccount } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { signedEvent, WEBHOOKS } from "../helpers/webhookDelivery";
import { addRelay, inbox, inboxUrl } from "./relayReceivers";

// The work after the answer, gathered: events that arrive together share their D1 batches,
// each still processed exactly once, in its own invocation.

const E = env as unknown as WebhooksEnv;

let batches: MockInstance;
beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  await connectedAccount(E, 1001, 90 * 60_000);
  batches = vi.spyOn(Object.getPrototypeOf(E.DB) as D1Database, "batch");
});
afterEach(() => batches.mockRestore());

describe("a burst of deliveries", () => {
  it("is answered at once, then processed once each, with one D1 batch per several events", async () => {
    await addRelay(E, "zap", { url: inboxUrl("zap") });
    const events = await Promise.all(Array.from({ length: 8 }, () => signedEvent("channel.followed")));
    batches.mockClear();
    const sent = events.map(async (event) => {
      const ctx = createExecutionContext();
      const response = await webhooks.fetch(
        new Request(`${WEBHOOKS}/kick`, { method: "POST", headers: event.headers, body: event.body }),
        E,
        ctx,
      );
      expect(response.status).toBe(200);
      return ctx;
    });
    const contexts = await Promise.all(sent);
    await Promise.all(contexts.map((ctx) => waitOnExecutionContext(ctx)));

    const rows = await E.DB.prepare(
      "SELECT COUNT(*) AS n FROM webhook_events WHERE processed_at IS NOT NULL AND body IS NULL",
    ).first<{ n: number }>();
    expect(rows!.n).toBe(8);
    expect((await inbox("zap")).total).toBe(8);
    // Alone, each event would take two (16): here 8 events' first steps fit two batches, their last two.
    expect(batches.mock.calls.length).toBeLessThanOrEqual(4);
  });

  it("fails only the event whose statement fails, not those it shared a batch with", async () => {
    const first = arrive(E.DB);
    const second = arrive(E.DB);
    const [good, bad] = await Promise.allSettled([
      first.batch([E.DB.prepare("SELECT 1 AS one")]),
      second.batch([E.DB.prepare("SELECT * FROM no_such_table")]),
    ]);
    first.leave();
    second.leave();
    expect(good).toMatchObject({ status: "fulfilled", value: [{ results: [{ one: 1 }] }] });
    expect(bad.status).toBe("rejected");
  });
});
