import type { WebhooksEnv } from "../../functions/webhooks/settings";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import webhooks from "../../functions/webhooks/index";
import type { EventType } from "../../shared/kick/schemas/events";
import { kickControl } from "./browser";

export const WEBHOOKS = "http://127.0.0.1:8789";

export interface SignedEvent {
  headers: Record<string, string>;
  body: string;
}

/** A delivery the emulator signed as Kick signs them (its own key, served at /public/v1/public-key). */
export const signedEvent = (
  type: EventType,
  options: {
    overrides?: Record<string, unknown>;
    message_id?: string;
    timestamp?: string;
    broadcaster_user_id?: number;
  } = {},
) => kickControl<SignedEvent>("POST", "/webhooks", { type, ...options });

/**
 * Hands a delivery to the webhooks Worker's fetch handler, as Kick would POST it, and waits for
 * the work it left to waitUntil, so a test sees the actions' effects.
 */
export async function deliver(
  env: WebhooksEnv,
  event: SignedEvent,
  change: { headers?: Record<string, string | null>; body?: string } = {},
) {
  const headers = new Headers(event.headers);
  for (const [name, value] of Object.entries(change.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  const ctx = createExecutionContext();
  const response = await webhooks.fetch(
    new Request(`${WEBHOOKS}/kick`, { method: "POST", headers, body: change.body ?? event.body }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return {
    status: response.status,
    json: (await response.json()) as {
      ok: boolean;
      data?: { accepted: boolean; duplicate: boolean };
      error?: { code: string; message: string; details?: unknown };
    },
  };
}

export const eventRows = async (env: WebhooksEnv) =>
  (
    await env.DB.prepare("SELECT message_id, type, outcome FROM webhook_events ORDER BY received_at").all<{
      message_id: string;
      type: string;
      outcome: string | null;
    }>()
  ).results;
