import * as z from "zod/mini";
import { kickConfigOf, parseSettings, wholeNumber } from "../../shared/settings";

/** The refresh Worker's bindings; the queue is optional (small deployments go without). */
export type RefreshEnv = Omit<Cloudflare.RefreshEnv, "REFRESH_QUEUE"> & {
  REFRESH_QUEUE?: Queue<RefreshMessage>;
  TOKEN_ENCRYPTION_KEYS_OLD?: string;
};

/** One queue message: a batch of accounts one consumer invocation can refresh within the limits. */
export interface RefreshMessage {
  accountIds: number[];
}

// Values and their meaning are in wrangler.toml ([env.refresh.vars]); only the bounds live here.
// Two schemas, one per job: a mistyped retention setting must never stop token refresh.
const REFRESH_VARS = z.object({ REFRESH_WINDOW_MINUTES: wholeNumber(1, 24 * 60) });
const HOUSEKEEPING_VARS = z.object({
  KICKS_KEEP_ALL_DAYS: wholeNumber(1, 3650),
  KICKS_KEEP_HOURLY_DAYS: wholeNumber(1, 3650),
});

/** What token refresh reads, parsed once; a bad var throws a SettingsError naming it. */
export function refreshSettings(env: RefreshEnv) {
  return { kick: kickConfigOf(env), refreshWindowMs: parseSettings(REFRESH_VARS, env).REFRESH_WINDOW_MINUTES * 60_000 };
}

/** What the hourly housekeeping reads (KICKs history retention), parsed once. */
export function housekeepingSettings(env: RefreshEnv) {
  const vars = parseSettings(HOUSEKEEPING_VARS, env);
  return { retention: { keepAllDays: vars.KICKS_KEEP_ALL_DAYS, keepHourlyDays: vars.KICKS_KEEP_HOURLY_DAYS } };
}
