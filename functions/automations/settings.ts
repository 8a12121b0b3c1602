import * as z from "zod/mini";
import type { RefresherBinding } from "../../shared/tokens/accountTokens";
import { kickConfigOf, parseSettings, urlOrEmpty, wholeNumber } from "../../shared/settings";

/** The automations Worker's bindings, as `wrangler types` generated them, with the refresh Worker's RPC method typed. */
export type AutomationsEnv = Cloudflare.AutomationsEnv & {
  TOKEN_ENCRYPTION_KEYS_OLD?: string;
  REFRESHER: RefresherBinding;
};

// Values and their meaning are in wrangler.toml ([env.automations.vars]); only the bounds live here.
const VARS = z.object({
  OAUTH_URL: urlOrEmpty(),
  KICKS_SNAPSHOT_LIVE_MINUTES: wholeNumber(1, 24 * 60),
  KICKS_SNAPSHOT_MINUTES: wholeNumber(1, 7 * 24 * 60),
});

/** The automations Worker's settings, parsed once; a bad var throws a SettingsError naming it. */
export function automationsSettings(env: AutomationsEnv) {
  const vars = parseSettings(VARS, env);
  // The vars as parsed (numbers are numbers), the Kick settings, and the connect page's URL,
  // where "needs re-connect" answers send people.
  return { ...vars, kick: kickConfigOf(env), reconnectUrl: `${vars.OAUTH_URL.replace(/\/$/, "")}/` };
}
