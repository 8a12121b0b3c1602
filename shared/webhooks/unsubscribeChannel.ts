import { kickClient, type KickConfig } from "../kick/index";
import { EVENT_ENDPOINTS } from "../kick/schemas/events";
import type { EncryptionEnv } from "../tokens/encryptionKeys";
import { appTokenSource } from "../tokens/getAppAccessToken";
import { channelSubscriptions, deleteSubscriptions } from "./channelSubscriptions";

/**
 * Deletes every subscription of this app for one channel: when a channel disconnects, its
 * events (chat included) must stop arriving. Only that channel's: the app may serve others.
 */
export async function unsubscribeChannel(
  env: EncryptionEnv & { TOKENS: KVNamespace },
  config: KickConfig,
  broadcasterId: number,
  now: number,
): Promise<number> {
  const kick = kickClient(EVENT_ENDPOINTS, config, appTokenSource(env, config, now));
  const ids = (await channelSubscriptions(kick, broadcasterId)).map((s) => s.id);
  await deleteSubscriptions(kick, ids);
  return ids.length;
}
