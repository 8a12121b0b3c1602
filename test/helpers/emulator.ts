import { SELF } from "cloudflare:test";
import type { KickConfig } from "../../shared/kick/config";

/** The emulator answers on any host inside the test runtime; this one reads well in failures. */
export const KICK = "http://kick.test";

export const DEMO_BROADCASTER = 1001;
export const DEMO_BOT = 1002;
export const OTHER_STREAMER = 3001;
export const DASHBOARD_REWARD = "01JD0000000000000000000001";

/** Calls the emulated Kick (the Worker under test), as the client's fetch does. */
export const kickFetch = (request: Request) => SELF.fetch(request);

/** Drives the emulator's control API; throws on a failed call so setup mistakes are loud. */
export async function control<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await SELF.fetch(`${KICK}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export const resetEmulator = () => control("POST", "/reset");

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
}

/** A user token minted by the emulator without the consent dance. */
export const mintUserToken = (scopes?: string[], user_id = DEMO_BROADCASTER) =>
  control<Tokens>("POST", "/tokens", { user_id, scopes });

/** What the emulator saw, to prove a call was (or was not) sent. */
export const requestsSeen = () => control<{ method: string; path: string; status: number }[]>("GET", "/requests");

/** A sleep that waits for nothing and remembers what it was asked to wait. */
export function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

export function testConfig(extra: Partial<KickConfig> = {}): KickConfig {
  return {
    idBase: KICK,
    apiBase: KICK,
    clientId: "emulator-client",
    clientSecret: "emulator-secret",
    fetch: kickFetch,
    sleep: async () => {},
    random: () => 0.5,
    ...extra,
  };
}
