import * as z from "zod/mini";
import { actionsFor } from "../../shared/actions/Action";
import type { ActionWorker } from "../../shared/actions/handleAction";
import { parseSettings, urlOrEmpty, wholeNumber } from "../../shared/settings";
import { RELAY_POLICY } from "../../shared/webhooks/relayPolicy";
import type { RelaySecrets, Subscriptions } from "../webhooks/index";

/** The rules Worker's bindings, as `wrangler types` generated them, with the RPC binding's methods typed. */
export type RulesEnv = Omit<Cloudflare.RulesEnv, "RELAY_SECRETS" | "SUBSCRIPTIONS"> & {
  RELAY_SECRETS: Service<RelaySecrets>;
  SUBSCRIPTIONS: Service<Subscriptions>;
};

// Values and their meaning are in wrangler.toml ([env.rules.vars]).
const VARS = z.object({
  OAUTH_URL: urlOrEmpty(),
  RELAY_HTTP_HOSTS: z.string(),
  MAX_RELAYS_PER_ACCOUNT: wholeNumber(1, RELAY_POLICY.maxRelaysPerAccount),
});

/** The rules Worker's settings, parsed once; a bad var throws a SettingsError naming it. */
export function rulesSettings(env: RulesEnv) {
  const vars = parseSettings(VARS, env);
  return { ...vars, reconnectUrl: `${vars.OAUTH_URL.replace(/\/$/, "")}/` };
}

/** Rules are D1 rows: their actions get no Kick client, and this Worker holds no Kick secret. */
export const defineAction = actionsFor<RulesEnv>();

/** The rules Worker in the action pipeline. */
export const RULES: ActionWorker<RulesEnv> = {
  reconnectUrl: (env) => rulesSettings(env).reconnectUrl,
  extra: () => ({}),
};
