import { actionsFor, type ActionContext } from "../../shared/actions/Action";
import type { ActionWorker } from "../../shared/actions/handleAction";
import { kickContextFor } from "../../shared/announce/KickContext";
import type { ClientOf, KickConfig } from "../../shared/kick/index";
import { AUTOMATIONS_ENDPOINTS } from "./kickEndpoints";
import { automationsSettings, type AutomationsEnv } from "./settings";

/** What the automations Worker's actions get beyond the basics: Kick as the key's account. */
export interface KickExtra {
  /** Kick as the key's account, refreshing through the coordinated path on expiry or 401. */
  kick: ClientOf<typeof AUTOMATIONS_ENDPOINTS>;
  config: KickConfig;
}

export type AutomationsContext<I> = ActionContext<I, AutomationsEnv, KickExtra>;

export const defineAction = actionsFor<AutomationsEnv, KickExtra>();

/** The automations Worker in the action pipeline. */
export const AUTOMATIONS: ActionWorker<AutomationsEnv> = {
  reconnectUrl: (env) => automationsSettings(env).reconnectUrl,
  extra: (env, account, now) => kickContextFor(env, account, now, AUTOMATIONS_ENDPOINTS),
};
