import { staticToken, type KickConfig } from "../../shared/kick/index";
import { createKickClient } from "../../shared/kick/endpoints";
import { DEMO_BROADCASTER, mintUserToken, testConfig } from "./emulator";

/** A client holding a fresh emulator user token with the given scopes (all by default). */
export async function userClient(scopes?: string[], userId = DEMO_BROADCASTER, config: Partial<KickConfig> = {}) {
  const tokens = await mintUserToken(scopes, userId);
  return { kick: createKickClient(testConfig(config), staticToken(tokens.access_token)), tokens };
}
