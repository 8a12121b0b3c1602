import * as z from "zod/mini";
import { kickConfigOf, parseSettings, urlOrEmpty, wholeNumber } from "../../shared/settings";

/** The automations Worker's bindings, as `wrangler types` generated them. */
export type AutomationsEnv = Cloudflare.AutomationsEnv & { TOKEN_ENCRYPTION_KEYS_OLD?: string };

// Values and their meaning are in wrangler.toml ([env.automations.vars]); only the bounds live here.
const VARS = z.object({
  OAUTH_URL: urlOrEmpty(),
  KICKS_SNAPSHOT_LIVE_MINUTES: wholeNumber(1, 24 * 60),
  KICKS_SNAPSHOT_MINUTES: wholeNumber(1, 7 * 24 * 60),
  RELAY_HTTP_HOSTS: z.string(),
});

/** The automations Worker's settings, parsed once; a bad var throws a SettingsError naming it. */
export function automationsSettings(env: AutomationsEnv) {
  const vars = parseSettings(VARS, env);
  return {
    kick: kickConfigOf(env),
    /** The connect page, where "needs re-connect" answers send people. */
    reconnectUrl: `${vars.OAUTH_URL.replace(/\/$/, "")}/`,
    snapshotEveryMs: { live: vars.KICKS_SNAPSHOT_LIVE_MINUTES * 60_000, offline: vars.KICKS_SNAPSHOT_MINUTES * 60_000 },
    relayHttpHosts: vars.RELAY_HTTP_HOSTS,
  };
}
