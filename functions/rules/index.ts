import { RULES_ACTIONS } from "./actions/index";
import { RULES, rulesSettings, type RulesEnv } from "./settings";
import { settingsErrorResponse } from "../../shared/http/respond";
import { actionRouter } from "../../shared/actions/actionRouter";

const router = actionRouter(RULES, RULES_ACTIONS);

/**
 * Setting up what happens: the go-live announcement, timed messages, replies to Kick's events,
 * and relays with their deliveries. Reached through the automations Worker (a service
 * binding), with the same keys, pipeline and answers; it never calls Kick.
 */
export default {
  async fetch(request, env, ctx) {
    const bad = settingsErrorResponse(() => rulesSettings(env));
    if (bad) return bad;
    return (await router.route(request, env, ctx)) ?? router.refuse(request);
  },
} satisfies ExportedHandler<RulesEnv>;
