import type { KickClient } from "../kick/index";
import type { Subscription } from "../kick/schemas/events";

/** This app's subscriptions for one channel (Kick's list is filtered again: it may ignore the parameter). */
export async function channelSubscriptions(
  kick: KickClient<"listSubscriptions" | "deleteSubscriptions">,
  broadcasterId: number,
): Promise<Subscription[]> {
  return (await kick.listSubscriptions({ broadcaster_user_id: broadcasterId })).filter(
    (s) => s.broadcaster_user_id === broadcasterId,
  );
}

/** Deletes subscriptions by id, 50 to a call (Kick's limit on `id` repeated in the query). */
export async function deleteSubscriptions(
  kick: KickClient<"listSubscriptions" | "deleteSubscriptions">,
  ids: string[],
): Promise<void> {
  for (let i = 0; i < ids.length; i += 50) await kick.deleteSubscriptions({ id: ids.slice(i, i + 50) });
}
