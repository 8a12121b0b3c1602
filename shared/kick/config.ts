import type { RetryPolicy } from "./retryPolicy";

/** Where Kick is and how to talk to it. Build it once per request from the Worker's env. */
export interface KickConfig {
  /** OAuth host: `https://id.kick.com`, or the emulator. */
  idBase: string;
  /** REST host: `https://api.kick.com`, or the emulator. */
  apiBase: string;
  clientId?: string;
  clientSecret?: string;
  /** The fetch to use: the global one in production, a service binding to the emulator in tests. */
  fetch?: (request: Request) => Promise<Response>;
  /** Waits between retries; tests pass one that records instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ n < 1, for retry jitter. */
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  /** Kick's WAF treats anonymous clients worse (docs/kick-api.md §7.6). */
  userAgent?: string;
}

export interface KickEnv {
  KICK_ID_BASE?: string;
  KICK_API_BASE?: string;
  KICK_CLIENT_ID?: string;
  KICK_CLIENT_SECRET?: string;
}

export const DEFAULT_ID_BASE = "https://id.kick.com";
export const DEFAULT_API_BASE = "https://api.kick.com";
export const USER_AGENT = "kick-edge/0.1 (+https://github.com/kick-edge)";

export function kickConfigFromEnv(env: KickEnv, extra: Partial<KickConfig> = {}): KickConfig {
  return {
    idBase: env.KICK_ID_BASE || DEFAULT_ID_BASE,
    apiBase: env.KICK_API_BASE || DEFAULT_API_BASE,
    clientId: env.KICK_CLIENT_ID,
    clientSecret: env.KICK_CLIENT_SECRET,
    ...extra,
  };
}
