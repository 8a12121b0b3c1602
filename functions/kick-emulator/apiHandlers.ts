import { ulid } from "../../shared/encoding";
import type { EndpointName } from "../../shared/kick/endpoints";
import { hasScope } from "../../shared/kick/scopes";
import { isoAt, type Ctx } from "./context";
import { apiError, envelope, noContent } from "./http";
import { signingKey } from "./signing";
import type { AccessTokenRecord, EmulatorChannel, EmulatorRedemption } from "./state";
import {
  categoryView,
  channelView,
  decodeCursor,
  encodeCursor,
  livestreamV1View,
  livestreamView,
  periodStarts,
  rewardView,
  userView,
} from "./views";

export interface ApiCtx extends Ctx {
  token: AccessTokenRecord | null;
  // The endpoint's zod schema already validated this; handlers read it by field name.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one table of handlers over many input shapes
  input: Record<string, any>;
}

type Handler = (ctx: ApiCtx) => Response | Promise<Response>;

const notFound = (what: string) => apiError(404, `${what} not found`);
const badRequest = (why: string) => apiError(400, why, null);

function page<T>(items: T[], cursor: string | undefined, limit: number, view: (item: T) => unknown): Response {
  const offset = decodeCursor(cursor);
  if (offset === null) return badRequest("invalid cursor");
  const slice = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? encodeCursor(offset + limit) : "";
  return envelope(slice.map(view), { pagination: { next_cursor: next } });
}

const ownChannel = (ctx: ApiCtx): EmulatorChannel | undefined =>
  ctx.state.channels.find((c) => c.broadcaster_user_id === ctx.token?.user_id);
const liveChannels = (ctx: ApiCtx) =>
  ctx.state.channels
    .filter((c) => c.is_live)
    .sort((a, b) => Date.parse(a.started_at ?? "") - Date.parse(b.started_at ?? ""));

/** The token's own broadcaster; user-only endpoints act on it. */
function requireOwn(ctx: ApiCtx, broadcasterId: number | undefined): Response | null {
  if (broadcasterId !== undefined && broadcasterId !== ctx.token?.user_id)
    return apiError(403, "You are not allowed to act on this channel");
  return null;
}

function redemptionGroups(ctx: ApiCtx, redemptions: EmulatorRedemption[]) {
  const groups = new Map<string, EmulatorRedemption[]>();
  for (const r of redemptions) groups.set(r.reward_id, [...(groups.get(r.reward_id) ?? []), r]);
  return [...groups].map(([rewardId, list]) => {
    const reward = ctx.state.rewards.find((r) => r.id === rewardId);
    return {
      reward: {
        id: rewardId,
        title: reward?.title ?? "",
        description: reward?.description ?? "",
        cost: reward?.cost ?? 0,
        can_manage: reward?.created_by === ctx.token?.client_id,
        is_deleted: reward?.is_deleted ?? true,
      },
      redemptions: list.map((r) => ({
        id: r.id,
        redeemed_at: r.redeemed_at,
        redeemer: { user_id: r.redeemer_user_id },
        status: r.status,
        user_input: r.user_input,
      })),
    };
  });
}

function settleRedemptions(ctx: ApiCtx, to: "accepted" | "rejected"): Response {
  const failures: { id: string; reason: string }[] = [];
  for (const id of ctx.input.ids as string[]) {
    const r = ctx.state.redemptions.find((x) => x.id === id && x.broadcaster_user_id === ctx.token?.user_id);
    const reward = r && ctx.state.rewards.find((x) => x.id === r.reward_id);
    if (!r) failures.push({ id, reason: "NOT_FOUND" });
    else if (reward?.created_by !== ctx.token?.client_id) failures.push({ id, reason: "NOT_OWNED" });
    else if (r.status !== "pending") failures.push({ id, reason: "NOT_PENDING" });
    else r.status = to;
  }
  return envelope(failures);
}

function leaderboard(ctx: ApiCtx, broadcasterId: number, top: number) {
  const { week, month } = periodStarts(ctx.now);
  const rank = (since: number) => {
    const totals = new Map<number, number>();
    for (const g of ctx.state.kicks)
      if (g.broadcaster_user_id === broadcasterId && g.at >= since)
        totals.set(g.user_id, (totals.get(g.user_id) ?? 0) + g.amount);
    return [...totals]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, top)
      .map(([user_id, gifted_amount], i) => ({
        gifted_amount,
        rank: i + 1,
        user_id,
        username: ctx.state.users.find((u) => u.user_id === user_id)?.name ?? `user${user_id}`,
      }));
  };
  return { lifetime: rank(0), month: rank(month), week: rank(week) };
}

/** One handler per row of the shared endpoint table. */
export const API_HANDLERS: Record<EndpointName, Handler> = {
  getUsers(ctx) {
    const ids: number[] | undefined = ctx.input.id;
    if (!ids && ctx.token?.user_id == null) return badRequest("id is required with an app token");
    const wanted = ids ?? [ctx.token!.user_id!];
    return envelope(
      ctx.state.users
        .filter((u) => wanted.includes(u.user_id))
        .map((u) => userView(u, u.user_id === ctx.token?.user_id)),
    );
  },
  getChannels(ctx) {
    const { broadcaster_user_id: ids, slug: slugs } = ctx.input as { broadcaster_user_id?: number[]; slug?: string[] };
    if (!ids && !slugs && ctx.token?.user_id == null)
      return badRequest("broadcaster_user_id or slug is required with an app token");
    const found = ctx.state.channels.filter((c) =>
      ids
        ? ids.includes(c.broadcaster_user_id)
        : slugs
          ? slugs.includes(c.slug)
          : c.broadcaster_user_id === ctx.token?.user_id,
    );
    const keyFor = (c: EmulatorChannel) =>
      c.broadcaster_user_id === ctx.token?.user_id && hasScope(ctx.token.scopes, "streamkey:read");
    return envelope(found.map((c) => channelView(ctx.state, c, keyFor(c))));
  },
  updateChannel(ctx) {
    const channel = ownChannel(ctx);
    if (!channel) return notFound("channel");
    const { category_id, stream_title, custom_tags } = ctx.input;
    if (category_id !== undefined && !ctx.state.categories.some((c) => c.id === category_id))
      return badRequest("invalid category_id");
    if (category_id !== undefined) channel.category_id = category_id;
    if (stream_title !== undefined) channel.stream_title = stream_title;
    if (custom_tags !== undefined) channel.custom_tags = custom_tags;
    return noContent();
  },
  listCategories(ctx) {
    const {
      name,
      tag,
      id,
      cursor,
      limit = 25,
    } = ctx.input as { name?: string[]; tag?: string[]; id?: number[]; cursor?: string; limit?: number };
    const items = ctx.state.categories.filter(
      (c) =>
        (!name || name.some((n) => c.name.toLowerCase().includes(n.toLowerCase()))) &&
        (!tag || tag.some((t) => c.tags.some((x) => x.toLowerCase() === t.toLowerCase()))) &&
        (!id || id.includes(c.id)),
    );
    return page(items, cursor, limit, categoryView);
  },
  searchCategoriesV1(ctx) {
    const q = String(ctx.input.q).toLowerCase();
    const pageNo: number = ctx.input.page ?? 1;
    const items = ctx.state.categories.filter((c) => c.name.toLowerCase().includes(q));
    return envelope(
      items.slice((pageNo - 1) * 100, pageNo * 100).map((c) => ({ id: c.id, name: c.name, thumbnail: c.thumbnail })),
    );
  },
  getCategoryV1(ctx) {
    const c = ctx.state.categories.find((x) => x.id === ctx.input.category_id);
    return c ? envelope({ ...categoryView(c), viewer_count: c.viewer_count }) : notFound("category");
  },
  listLivestreams(ctx) {
    const {
      category_id,
      language_code,
      cursor,
      limit = 100,
    } = ctx.input as { category_id?: number[]; language_code?: string[]; cursor?: string; limit?: number };
    const items = liveChannels(ctx).filter(
      (c) =>
        (!category_id || category_id.includes(c.category_id)) && (!language_code || language_code.includes(c.language)),
    );
    return page(items, cursor, limit, (c) => livestreamView(ctx.state, c));
  },
  listLivestreamsV1(ctx) {
    const { broadcaster_user_id: ids, category_id, language, limit = 25, sort } = ctx.input;
    let items = liveChannels(ctx).filter(
      (c) =>
        (!ids || ids.includes(c.broadcaster_user_id)) &&
        (category_id === undefined || c.category_id === category_id) &&
        (!language || c.language === language),
    );
    if (sort === "viewer_count") items = items.sort((a, b) => b.viewer_count - a.viewer_count);
    if (sort === "started_at")
      items = items.sort((a, b) => Date.parse(b.started_at ?? "") - Date.parse(a.started_at ?? ""));
    return envelope(items.slice(0, limit).map((c) => livestreamV1View(ctx.state, c)));
  },
  getLivestreamStats(ctx) {
    return envelope({ total_count: liveChannels(ctx).length });
  },
  getUsersLivestreams(ctx) {
    const ids: number[] = ctx.input.user_id;
    return envelope(
      liveChannels(ctx)
        .filter((c) => ids.includes(c.broadcaster_user_id))
        .map((c) => livestreamView(ctx.state, c)),
    );
  },
  sendChat(ctx) {
    const { type, content, reply_to_message_id } = ctx.input as {
      type: "user" | "bot";
      content: string;
      reply_to_message_id?: string;
    };
    const sender = ctx.token!.user_id!;
    // A bot message always goes to the token's own channel; user messages name theirs.
    const broadcaster: number = type === "bot" ? sender : ctx.input.broadcaster_user_id;
    if (type === "bot" && !ctx.state.settings.bot_chat_works) return apiError(500, "Internal Server Error");
    if (!ctx.state.channels.some((c) => c.broadcaster_user_id === broadcaster)) return notFound("channel");
    if (
      ctx.state.bans.some(
        (b) =>
          b.broadcaster_user_id === broadcaster &&
          b.user_id === sender &&
          (!b.expires_at || Date.parse(b.expires_at) > ctx.now),
      )
    ) {
      return badRequest("You are banned from this chat");
    }
    if (
      reply_to_message_id &&
      !ctx.state.chat.some((m) => m.message_id === reply_to_message_id && m.broadcaster_user_id === broadcaster)
    ) {
      return badRequest("reply_to_message_id: message not found in this chat");
    }
    const { chat_rate_max, chat_rate_window } = ctx.state.settings;
    const key = `${sender}:${broadcaster}`;
    const recent = (ctx.state.chat_sends[key] ?? []).filter((t) => t > ctx.now - chat_rate_window * 1000);
    if (recent.length >= chat_rate_max) {
      const retry = Math.ceil((recent[0]! + chat_rate_window * 1000 - ctx.now) / 1000);
      const response = apiError(429, "Too Many Requests");
      response.headers.set("retry-after", String(Math.max(1, retry)));
      return response;
    }
    ctx.state.chat_sends[key] = [...recent, ctx.now];
    const message_id = crypto.randomUUID();
    ctx.state.chat.push({
      message_id,
      broadcaster_user_id: broadcaster,
      sender_user_id: sender,
      type,
      content,
      reply_to_message_id: reply_to_message_id ?? null,
      created_at: isoAt(ctx.now),
      deleted: false,
    });
    ctx.state.chat = ctx.state.chat.slice(-500);
    return envelope({ is_sent: true, message_id });
  },
  deleteChat(ctx) {
    const m = ctx.state.chat.find(
      (x) => x.message_id === ctx.input.message_id && x.broadcaster_user_id === ctx.token?.user_id && !x.deleted,
    );
    if (!m) return notFound("message");
    m.deleted = true;
    return noContent();
  },
  ban(ctx) {
    const { broadcaster_user_id, user_id, duration, reason } = ctx.input;
    const denied = requireOwn(ctx, broadcaster_user_id);
    if (denied) return denied;
    if (user_id === broadcaster_user_id) return badRequest("cannot ban the broadcaster");
    if (!ctx.state.users.some((u) => u.user_id === user_id)) return notFound("user");
    ctx.state.bans = ctx.state.bans.filter(
      (b) => !(b.broadcaster_user_id === broadcaster_user_id && b.user_id === user_id),
    );
    ctx.state.bans.push({
      broadcaster_user_id,
      user_id,
      reason: reason ?? null,
      created_at: isoAt(ctx.now),
      expires_at: duration ? isoAt(ctx.now + duration * 60_000) : null,
    });
    return envelope({});
  },
  unban(ctx) {
    const { broadcaster_user_id, user_id } = ctx.input;
    const denied = requireOwn(ctx, broadcaster_user_id);
    if (denied) return denied;
    const before = ctx.state.bans.length;
    ctx.state.bans = ctx.state.bans.filter(
      (b) => !(b.broadcaster_user_id === broadcaster_user_id && b.user_id === user_id),
    );
    return before === ctx.state.bans.length ? badRequest("user is not banned") : envelope({});
  },
  listRewards(ctx) {
    return envelope(
      ctx.state.rewards.filter((r) => r.broadcaster_user_id === ctx.token?.user_id && !r.is_deleted).map(rewardView),
    );
  },
  createReward(ctx) {
    const broadcaster = ctx.token!.user_id!;
    const existing = ctx.state.rewards.filter((r) => r.broadcaster_user_id === broadcaster && !r.is_deleted);
    if (existing.length >= 15) return badRequest("maximum number of rewards reached");
    const reward = {
      id: ulid(ctx.now),
      broadcaster_user_id: broadcaster,
      created_by: ctx.token!.client_id,
      title: ctx.input.title,
      description: ctx.input.description ?? "",
      cost: ctx.input.cost,
      background_color: ctx.input.background_color ?? "#00e701",
      is_enabled: ctx.input.is_enabled ?? true,
      is_paused: false,
      is_user_input_required: ctx.input.is_user_input_required ?? false,
      should_redemptions_skip_request_queue: ctx.input.should_redemptions_skip_request_queue ?? false,
      is_deleted: false,
    };
    ctx.state.rewards.push(reward);
    return envelope(rewardView(reward));
  },
  updateReward(ctx) {
    const reward = ctx.state.rewards.find(
      (r) => r.id === ctx.input.id && r.broadcaster_user_id === ctx.token?.user_id && !r.is_deleted,
    );
    if (!reward) return notFound("reward");
    if (reward.created_by !== ctx.token?.client_id)
      return apiError(403, "Only the app that created this reward can change it");
    const { id: _id, ...changes } = ctx.input;
    Object.assign(reward, Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)));
    return envelope(rewardView(reward));
  },
  deleteReward(ctx) {
    const reward = ctx.state.rewards.find(
      (r) => r.id === ctx.input.id && r.broadcaster_user_id === ctx.token?.user_id && !r.is_deleted,
    );
    if (!reward) return notFound("reward");
    if (reward.created_by !== ctx.token?.client_id)
      return apiError(403, "Only the app that created this reward can delete it");
    reward.is_deleted = true;
    return noContent();
  },
  listRedemptions(ctx) {
    const { reward_id, status, id, cursor } = ctx.input as {
      reward_id?: string;
      status?: string;
      id?: string[];
      cursor?: string;
    };
    const mine = ctx.state.redemptions.filter((r) => r.broadcaster_user_id === ctx.token?.user_id);
    // The status filter defaults to pending (docs/kick-api.md §3.7).
    const items = id
      ? mine.filter((r) => id.includes(r.id))
      : mine.filter((r) => (!reward_id || r.reward_id === reward_id) && r.status === (status ?? "pending"));
    const offset = decodeCursor(cursor);
    if (offset === null) return badRequest("invalid cursor");
    const slice = items.slice(offset, offset + 25);
    return envelope(redemptionGroups(ctx, slice), {
      pagination: { next_cursor: offset + 25 < items.length ? encodeCursor(offset + 25) : "" },
    });
  },
  acceptRedemptions: (ctx) => settleRedemptions(ctx, "accepted"),
  rejectRedemptions: (ctx) => settleRedemptions(ctx, "rejected"),
  getKicksLeaderboard(ctx) {
    return envelope(leaderboard(ctx, ctx.token!.user_id!, ctx.input.top ?? 10));
  },
  listSubscriptions(ctx) {
    const broadcaster = ctx.token?.user_id ?? ctx.input.broadcaster_user_id;
    const mine = ctx.state.subscriptions.filter(
      (s) => s.app_id === ctx.token?.client_id && (broadcaster === undefined || s.broadcaster_user_id === broadcaster),
    );
    return envelope(mine);
  },
  createSubscriptions(ctx) {
    // A user token's broadcaster_user_id is ignored; an app token must name one (docs/kick-api.md §4.1).
    const broadcaster: number | undefined = ctx.token?.user_id ?? ctx.input.broadcaster_user_id;
    if (broadcaster === undefined) return badRequest("broadcaster_user_id is required with an app token");
    const appId = ctx.token!.client_id;
    const results = (ctx.input.events as { name: string; version: number }[]).map(({ name, version }) => {
      if (version !== 1) return { name, version, error: "unsupported version" };
      const count = ctx.state.subscriptions.filter((s) => s.app_id === appId && s.event === name).length;
      const cap =
        name === "chat.message.sent"
          ? ctx.state.settings.chat_subscription_limit
          : ctx.state.settings.subscription_limit;
      if (count >= cap) return { name, version, error: "event subscription limit reached" };
      // Kick does not dedupe: posting the same event twice makes two subscriptions (docs/kick-api.md §4.1).
      const id = ulid(ctx.now);
      ctx.state.subscriptions.push({
        id,
        app_id: appId,
        broadcaster_user_id: broadcaster,
        event: name,
        version,
        method: "webhook",
        created_at: isoAt(ctx.now),
        updated_at: isoAt(ctx.now),
      });
      return { name, version, subscription_id: id };
    });
    return envelope(results);
  },
  deleteSubscriptions(ctx) {
    const ids: string[] = ctx.input.id;
    ctx.state.subscriptions = ctx.state.subscriptions.filter(
      (s) => !(ids.includes(s.id) && s.app_id === ctx.token?.client_id),
    );
    return noContent();
  },
  async getPublicKey(ctx) {
    return envelope({ public_key: (await signingKey(ctx.state)).spki_pem });
  },
};
