import * as z from "zod/mini";
import type { RefresherBinding } from "../../shared/tokens/accountTokens";
import { kickConfigOf, parseSettings, wholeNumber } from "../../shared/settings";
import { isLocalDevelopment } from "../../shared/webhooks/relayTarget";

/** The webhooks Worker's bindings, as `wrangler types` generated them, with the refresh Worker's RPC method typed. */
export type WebhooksEnv = Cloudflare.WebhooksEnv & { TOKEN_ENCRYPTION_KEYS_OLD?: string; REFRESHER: RefresherBinding };

/** Kick's ids are kept 7 days (docs/storage.md): a wider window would let a replay past dedupe. */
const MAX_WINDOW_SECONDS = 3600;

// Values and their meaning are in wrangler.toml ([env.webhooks.vars]); only the bounds live here.
// One schema per job: a mistyped cron setting must never make the intake refuse Kick.
const INTAKE_VARS = z.object({ WEBHOOK_MAX_AGE_SECONDS: wholeNumber(1, MAX_WINDOW_SECONDS) });
const CRON_VARS = z.object({ SUBSCRIPTION_SYNC_MINUTES: wholeNumber(1, 24 * 60) });
// Both jobs send relays, and the intake also needs to know whether this is local development.
const RELAY_VARS = z.object({ RELAY_HTTP_HOSTS: z.string() });

/** Where relays may go (relayTarget.ts), and whether this is local development (isLocalDevelopment). */
function relayTargets(env: WebhooksEnv) {
  const httpHosts = parseSettings(RELAY_VARS, env).RELAY_HTTP_HOSTS;
  return { httpHosts, localDevelopment: isLocalDevelopment(httpHosts) };
}

/** What the intake (POST /kick) reads, parsed once; a bad var throws a SettingsError naming it. */
export function intakeSettings(env: WebhooksEnv) {
  return {
    kick: kickConfigOf(env),
    maxAgeMs: parseSettings(INTAKE_VARS, env).WEBHOOK_MAX_AGE_SECONDS * 1000,
    ...relayTargets(env),
  };
}

/** What the minute cron (relay retries, subscription syncs, re-runs) reads, parsed once. */
export function cronSettings(env: WebhooksEnv) {
  return {
    kick: kickConfigOf(env),
    subscriptionSyncMs: parseSettings(CRON_VARS, env).SUBSCRIPTION_SYNC_MINUTES * 60_000,
    ...relayTargets(env),
  };
}
