import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../functions/refresh/index";
import type { RefreshEnv, RefreshMessage } from "../../functions/refresh/settings";
import { runRefresh } from "../../functions/refresh/runRefresh";
import { InvocationBudget } from "../../shared/refresh/invocationBudget";
import { kickControl } from "../helpers/browser";
import { connectedAccount, grantsByUser } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";

const E = env as unknown as RefreshEnv;
const IDS = [1001, 1002, 2001, 2002, 2003];

/** A queue that keeps what the cron sends, so the test delivers it (and delivers it twice). */
function recordingQueue() {
  const sent: RefreshMessage[] = [];
  const queue = {
    sendBatch: async (messages: { body: RefreshMessage }[]) => void sent.push(...messages.map((m) => m.body)),
    send: async (body: RefreshMessage) => void sent.push(body),
  };
  return { sent, queue: queue as unknown as Queue<RefreshMessage> };
}

async function deliver(bodies: RefreshMessage[]) {
  const batch = createMessageBatch<RefreshMessage>(
    "kick-edge-refresh",
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, E, ctx);
  return getQueueResult(batch, ctx);
}

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  for (const id of IDS) await connectedAccount(E, id, 60_000);
});

describe("fan-out through a queue", () => {
  it("enqueues batches that each fit one invocation; consumers refresh every account once, even delivered twice", async () => {
    const { sent, queue } = recordingQueue();
    // Limits small enough that 5 due accounts need more than one invocation: 2 per batch (each may cost 2 Kick calls).
    const budget = new InvocationBudget({ subrequests: 2 * 2, kvOps: 1000, d1Queries: 50 });
    expect(await runRefresh({ ...E, REFRESH_QUEUE: queue }, budget)).toMatchObject({
      due: 5,
      enqueued: 5,
      refreshed: 0,
    });
    expect(sent.map((m) => m.accountIds.length)).toEqual([2, 2, 1]);
    expect(sent.flatMap((m) => m.accountIds).sort()).toEqual([...IDS].sort());
    expect(await grantsByUser()).toEqual(new Map());

    const result = await deliver(sent);
    expect(result.explicitAcks.length).toBe(3);
    // At-least-once: the same messages again. The accounts are no longer due; the lease decides.
    await deliver(sent);
    expect([...(await grantsByUser()).entries()].sort()).toEqual(IDS.map((id) => [id, [200]]));
  });

  it("sends messages the bound queue accepts", async () => {
    const budget = new InvocationBudget({ subrequests: 2 * 2, kvOps: 1000, d1Queries: 50 });
    await expect(runRefresh(E, budget)).resolves.toMatchObject({ enqueued: 5 });
  });
});
