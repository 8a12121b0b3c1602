import * as z from "zod/mini";
import type { KickConfig } from "../../shared/kick/index";
import { commaList, kickConfigOf, parseSettings, urlOrEmpty } from "../../shared/settings";

/** The oauth Worker's bindings, as `wrangler types` generated them. */
export type OAuthEnv = Cloudflare.OauthEnv & { TOKEN_ENCRYPTION_KEYS_OLD?: string };

// Values and their meaning are in wrangler.toml ([env.oauth.vars]); only the checks live here.
const VARS = z.object({
  OAUTH_REDIRECT_URI: urlOrEmpty(),
  AUTOMATIONS_URL: urlOrEmpty(),
  ALLOWED_KICK_USERS: commaList(),
});

/** The oauth Worker's settings, parsed once; a bad var throws a SettingsError naming it. */
export function oauthSettings(env: OAuthEnv) {
  const vars = parseSettings(VARS, env);
  return {
    kick: kickConfigOf(env),
    /** The exact callback registered with the Kick app; empty means this Worker's own /callback. */
    redirectUri: vars.OAUTH_REDIRECT_URI,
    automationsUrl: vars.AUTOMATIONS_URL,
    /** Kick user ids or usernames (lowercased) that may connect; empty allows any. */
    allowedKickUsers: vars.ALLOWED_KICK_USERS.map((entry) => entry.toLowerCase()),
  };
}

/** The Kick client settings for this Worker (Kick itself, or the emulator in dev and tests). */
export const kickFor = (env: OAuthEnv): KickConfig => oauthSettings(env).kick;

/** The connect form redirects to Kick's consent page; the CSP must allow that target. */
export const kickFormTargets = (env: OAuthEnv) => [new URL(kickFor(env).idBase).origin];
