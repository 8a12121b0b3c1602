import * as z from "zod/mini";
import { kickConfigOf, parseSettings, wholeNumber } from "../../shared/settings";

/** The webhooks Worker's bindings, as `wrangler types` generated them. */
export type WebhooksEnv = Cloudflare.WebhooksEnv & { TOKEN_ENCRYPTION_KEYS_OLD?: string };

/** Kick's ids are kept 7 days (docs/storage.md): a wider window would let a replay past dedupe. */
const MAX_WINDOW_SECONDS = 3600;

// Values and their meaning are in wrangler.toml ([env.webhooks.vars]); only the bounds live here.
const VARS = z.object({
  WEBHOOK_MAX_AGE_SECONDS: wholeNumber(30, MAX_WINDOW_SECONDS),
  SUBSCRIPTION_SYNC_MINUTES: wholeNumber(1, 24 * 60),
});

/** The webhooks Worker's settings, parsed once; a bad var throws a SettingsError naming it. */
export function webhooksSettings(env: WebhooksEnv) {
  const vars = parseSettings(VARS, env);
  return {
    kick: kickConfigOf(env),
    maxAgeMs: vars.WEBHOOK_MAX_AGE_SECONDS * 1000,
    subscriptionSyncMs: vars.SUBSCRIPTION_SYNC_MINUTES * 60_000,
  };
}
