import { createKickClient, type KickConfig } from "../kick/index";
import type { EncryptionEnv } from "../tokens/encryptionKeys";
import { appTokenSource } from "../tokens/getAppAccessToken";

/**
 * Deletes every subscription of this app for one channel: when a channel disconnects, its
 * events (chat included) must stop arriving. Only that channel's: the app may serve others.
 */
export async function unsubscribeChannel(env: EncryptionEnv & { TOKENS: KVNamespace }, config: KickConfig, broadcasterId: number, now: number): Promise<number> {
  const kick = createKickClient(config, appTokenSource(env, config, now));
  const ids = (await kick.listSubscriptions({ broadcaster_user_id: broadcasterId })).filter((s) => s.broadcaster_user_id === broadcasterId).map((s) => s.id);
  for (let i = 0; i < ids.length; i += 50) await kick.deleteSubscriptions({ id: ids.slice(i, i + 50) });
  return ids.length;
}
