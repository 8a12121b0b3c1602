import { SELF } from "cloudflare:test";
import { ACTIONS } from "../../functions/automations/actions/index";
import { RULES_ACTIONS } from "../../functions/rules/actions/index";
import type { Capability } from "../../shared/capabilities";
import { automationKeys } from "../../shared/storage/accountsStore";
import type { TokenStoreEnv } from "../../shared/storage/tokenStore";
import { kickControl } from "./browser";
import { connectedAccount } from "./connectedAccount";
import { resetWorkerState } from "./resetWorkerState";

export const AUTOMATIONS = "http://127.0.0.1:8788";

/** Every endpoint at the automations Worker's URL: its own, then the rules Worker's it forwards to. */
export const API_ACTIONS = [...ACTIONS, ...RULES_ACTIONS];

/** A fresh emulator and Worker state, the demo broadcaster connected, and a key for it. */
export async function setUp(
  env: TokenStoreEnv,
  capabilities: Capability[] = [],
  options: { allowGet?: boolean; allowUrl?: boolean; expiresInMs?: number } = {},
) {
  await kickControl("POST", "/reset");
  await resetWorkerState(env);
  await connectedAccount(env, 1001, options.expiresInMs ?? 90 * 60_000);
  const { key } = await automationKeys.create(env.DB, {
    accountId: 1001,
    name: "test",
    capabilities,
    allowGet: options.allowGet,
    allowUrl: options.allowUrl,
    now: Date.now(),
  });
  await kickControl("DELETE", "/requests");
  return key;
}

/** Calls the Worker as a trigger caller would. */
export async function call(
  method: string,
  path: string,
  key: string | null,
  init: { json?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (key) headers["x-api-key"] = key;
  let body: string | undefined;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  } else if (init.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  }
  const response = await SELF.fetch(`${AUTOMATIONS}${path}`, { method, headers, body });
  const text = await response.text();
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read answers loosely
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The Kick calls the emulator saw since setUp (proof that invalid input sent nothing). */
export const kickCalls = async () =>
  (await kickControl<{ method: string; path: string }[]>("GET", "/requests")).map((r) => `${r.method} ${r.path}`);

export const chatLog = async () =>
  (
    await kickControl<{
      chat: { content: string; sender_user_id: number; reply_to_message_id: string | null; deleted: boolean }[];
    }>("GET", "/state")
  ).chat;
