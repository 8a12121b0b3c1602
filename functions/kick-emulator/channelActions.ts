import { ulid } from "../../shared/encoding";
import type { EventType } from "../../shared/kick/schemas/events";
import { isoAt, type Ctx } from "./context";
import { fullUser } from "./eventPayloads";
import { DEMO } from "./seed";
import { pushEvent } from "./signedDelivery";
import type { Activity, EmulatorChannel, EmulatorReward, EmulatorUser } from "./state";

// What viewers and the streamer do on a channel, as Kick makes it happen: the state changes and
// the event goes out, signed, to each subscription. The control API and the channel page share it.

/** How the deliveries went, in words for the channel page. */
function outcome(statuses: number[], url: string | null, type: EventType): string {
  if (!url) return "not sent (no webhook URL is set)";
  if (!statuses.length) return `not sent (no app subscribes to ${type} on this channel)`;
  return statuses
    .map((s) => (s >= 200 && s < 300 ? "delivered" : s ? `refused with HTTP ${s}` : "the app did not answer"))
    .join(", ");
}

/**
 * Sends the event and notes it for the channel's page. The note goes in before the delivery,
 * so it shows ahead of the chat replies the delivery sets off; its outcome is added after.
 */
export async function happen(
  ctx: Ctx,
  broadcasterId: number,
  text: string,
  type: EventType,
  overrides: unknown,
): Promise<number[]> {
  const note: Activity = {
    id: ulid(ctx.now),
    at: isoAt(ctx.now),
    broadcaster_user_id: broadcasterId,
    text,
    done: false,
    after: ctx.state.chat.findLast((m) => m.broadcaster_user_id === broadcasterId)?.message_id ?? null,
  };
  ctx.state.activity = [...(ctx.state.activity ?? []), note].slice(-100);
  const statuses = await pushEvent(ctx, type, broadcasterId, overrides);
  note.text += `: ${outcome(statuses, ctx.state.settings.webhook_url, type)}`;
  note.done = true;
  return statuses;
}

/** Changes what viewers see; going live or offline is delivered as Kick does. */
export async function patchChannel(ctx: Ctx, channel: EmulatorChannel, patch: Partial<EmulatorChannel>) {
  const wasLive = channel.is_live;
  Object.assign(channel, patch);
  const startedAt = channel.started_at;
  if (patch.is_live === true && !wasLive) channel.started_at = isoAt(ctx.now);
  if (patch.is_live === false) channel.started_at = null;
  if (patch.is_live === undefined || patch.is_live === wasLive) return [];
  return happen(
    ctx,
    channel.broadcaster_user_id,
    channel.is_live ? "Went live" : "Went offline",
    "livestream.status.updated",
    {
      is_live: channel.is_live,
      title: channel.stream_title,
      started_at: channel.started_at ?? startedAt,
      ended_at: channel.is_live ? null : isoAt(ctx.now),
    },
  );
}

/** Who may follow, subscribe or gift on a channel: everyone but its streamer and the bot. */
export const viewersOf = (ctx: Ctx, channelId: number) =>
  ctx.state.users.filter((u) => u.user_id !== channelId && u.user_id !== DEMO.bot);

const userOf = (ctx: Ctx, id: number) => ctx.state.users.find((u) => u.user_id === id);

export async function redeem(ctx: Ctx, reward: EmulatorReward, userId: number, input = "") {
  const redemption = {
    id: ulid(ctx.now),
    broadcaster_user_id: reward.broadcaster_user_id,
    reward_id: reward.id,
    redeemer_user_id: userId,
    user_input: input,
    status: reward.should_redemptions_skip_request_queue ? ("accepted" as const) : ("pending" as const),
    redeemed_at: isoAt(ctx.now),
  };
  ctx.state.redemptions.push(redemption);
  const redeemer = userOf(ctx, userId);
  const webhooks = await happen(
    ctx,
    reward.broadcaster_user_id,
    `${redeemer?.name ?? userId} redeemed ${reward.title}${input ? ` (“${input}”)` : ""}`,
    "channel.reward.redemption.updated",
    {
      id: redemption.id,
      user_input: redemption.user_input,
      status: redemption.status,
      redeemed_at: redemption.redeemed_at,
      reward: { id: reward.id, title: reward.title, cost: reward.cost, description: reward.description },
      ...(redeemer ? { redeemer: { user_id: redeemer.user_id, username: redeemer.name } } : {}),
    },
  );
  return { ...redemption, webhooks };
}

export function giftKicks(ctx: Ctx, broadcasterId: number, userId: number, amount: number) {
  ctx.state.kicks.push({ broadcaster_user_id: broadcasterId, user_id: userId, amount, at: ctx.now });
  const sender = userOf(ctx, userId);
  return happen(ctx, broadcasterId, `${sender?.name ?? userId} gifted ${amount} KICKs`, "kicks.gifted", {
    gift: { amount },
    ...(sender ? { sender: { user_id: sender.user_id, username: sender.name } } : {}),
  });
}

/** A follow, a new subscription, or subs gifted to `count` other viewers of the channel. */
export function viewerEvent(
  ctx: Ctx,
  channel: EmulatorChannel,
  viewer: EmulatorUser,
  kind: "follow" | "subscribe" | "gifts",
  count = 1,
) {
  const full = (u: EmulatorUser) => fullUser(ctx.state, u);
  const id = channel.broadcaster_user_id;
  if (kind === "follow")
    return happen(ctx, id, `${viewer.name} followed`, "channel.followed", { follower: full(viewer) });
  if (kind === "subscribe") {
    channel.active_subscribers_count += 1;
    return happen(ctx, id, `${viewer.name} subscribed`, "channel.subscription.new", { subscriber: full(viewer) });
  }
  const giftees = viewersOf(ctx, id)
    .filter((u) => u.user_id !== viewer.user_id)
    .slice(0, count);
  channel.active_subscribers_count += giftees.length;
  return happen(
    ctx,
    id,
    `${viewer.name} gifted ${giftees.length} sub${giftees.length === 1 ? "" : "s"}`,
    "channel.subscription.gifts",
    { gifter: full(viewer), giftees: giftees.map(full) },
  );
}
