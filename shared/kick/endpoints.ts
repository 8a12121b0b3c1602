import * as z from "zod/mini";
import { Empty } from "./schemas/common";
import { GetUsersInput, User } from "./schemas/users";
import { Channel, GetChannelsInput, UpdateChannelInput } from "./schemas/channels";
import {
  Category,
  CategoryDetail,
  GetCategoryInput,
  ListCategoriesInput,
  SearchCategoriesInput,
} from "./schemas/categories";
import {
  GetUsersLivestreamsInput,
  ListLivestreamsInput,
  ListLivestreamsV1Input,
  Livestream,
  LivestreamStats,
  LivestreamV1,
} from "./schemas/livestreams";
import { ChatSent, DeleteChatInput, SendChatInput } from "./schemas/chat";
import { BanInput, UnbanInput } from "./schemas/moderation";
import {
  CreateRewardInput,
  ListRedemptionsInput,
  RedemptionFailure,
  RedemptionGroup,
  RedemptionIdsInput,
  Reward,
  RewardIdInput,
  UpdateRewardInput,
} from "./schemas/rewards";
import { Leaderboard, LeaderboardInput } from "./schemas/kicks";
import {
  CreateSubscriptionsInput,
  DeleteSubscriptionsInput,
  ListSubscriptionsInput,
  Subscription,
  SubscriptionResult,
} from "./schemas/events";
import { PublicKey } from "./schemas/publicKey";
import type { KickScope } from "./scopes";

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

export interface Endpoint {
  method: Method;
  /** `{name}` segments are filled from the input field of the same name. */
  path: string;
  /** The scope a user token needs; `null` when any token (or none) will do. */
  scope: KickScope | null;
  /** `none`: Kick wants no Authorization header. */
  auth?: "token" | "none";
  input: z.ZodMiniType;
  /** The `data` of Kick's envelope; `null` for 204 answers. */
  output: z.ZodMiniType | null;
  /** Where fields that are not in the path go. Arrays become repeated query keys. */
  send: "query" | "json";
  /** Cursor-paginated: the answer carries `pagination.next_cursor`. */
  paginated?: boolean;
  /** Retry even though the method is not idempotent; or never retry (a POST that may have reached Kick). */
  retry?: boolean;
}

const endpoint = <const E extends Endpoint>(e: E) => e;

/**
 * Every public REST endpoint (kick-api.md §3.1). The client's methods, the scope check
 * and the emulator's routes are all read from this one table.
 */
export const ENDPOINTS = {
  getUsers: endpoint({
    method: "GET",
    path: "/public/v1/users",
    scope: null,
    input: GetUsersInput,
    output: z.array(User),
    send: "query",
  }),
  getChannels: endpoint({
    method: "GET",
    path: "/public/v1/channels",
    scope: null,
    input: GetChannelsInput,
    output: z.array(Channel),
    send: "query",
  }),
  updateChannel: endpoint({
    method: "PATCH",
    path: "/public/v1/channels",
    scope: "channel:write",
    input: UpdateChannelInput,
    output: null,
    send: "json",
  }),
  listCategories: endpoint({
    method: "GET",
    path: "/public/v2/categories",
    scope: null,
    input: ListCategoriesInput,
    output: z.array(Category),
    send: "query",
    paginated: true,
  }),
  searchCategoriesV1: endpoint({
    method: "GET",
    path: "/public/v1/categories",
    scope: null,
    input: SearchCategoriesInput,
    output: z.array(Category),
    send: "query",
  }),
  getCategoryV1: endpoint({
    method: "GET",
    path: "/public/v1/categories/{category_id}",
    scope: null,
    input: GetCategoryInput,
    output: CategoryDetail,
    send: "query",
  }),
  listLivestreams: endpoint({
    method: "GET",
    path: "/public/v2/livestreams",
    scope: null,
    input: ListLivestreamsInput,
    output: z.array(Livestream),
    send: "query",
    paginated: true,
  }),
  listLivestreamsV1: endpoint({
    method: "GET",
    path: "/public/v1/livestreams",
    scope: null,
    input: ListLivestreamsV1Input,
    output: z.array(LivestreamV1),
    send: "query",
  }),
  getLivestreamStats: endpoint({
    method: "GET",
    path: "/public/v1/livestreams/stats",
    scope: null,
    input: Empty,
    output: LivestreamStats,
    send: "query",
  }),
  getUsersLivestreams: endpoint({
    method: "GET",
    path: "/public/v1/users/livestreams",
    scope: null,
    input: GetUsersLivestreamsInput,
    output: z.array(Livestream),
    send: "query",
  }),
  sendChat: endpoint({
    method: "POST",
    path: "/public/v1/chat",
    scope: "chat:write",
    input: SendChatInput,
    output: ChatSent,
    send: "json",
    retry: false,
  }),
  deleteChat: endpoint({
    method: "DELETE",
    path: "/public/v1/chat/{message_id}",
    scope: "moderation:chat_message:manage",
    input: DeleteChatInput,
    output: null,
    send: "query",
  }),
  ban: endpoint({
    method: "POST",
    path: "/public/v1/moderation/bans",
    scope: "moderation:ban",
    input: BanInput,
    output: z.unknown(),
    send: "json",
    retry: false,
  }),
  unban: endpoint({
    method: "DELETE",
    path: "/public/v1/moderation/bans",
    scope: "moderation:ban",
    input: UnbanInput,
    output: z.unknown(),
    send: "json",
  }),
  listRewards: endpoint({
    method: "GET",
    path: "/public/v1/channels/rewards",
    scope: "channel:rewards:read",
    input: Empty,
    output: z.array(Reward),
    send: "query",
  }),
  createReward: endpoint({
    method: "POST",
    path: "/public/v1/channels/rewards",
    scope: "channel:rewards:write",
    input: CreateRewardInput,
    output: Reward,
    send: "json",
    retry: false,
  }),
  updateReward: endpoint({
    method: "PATCH",
    path: "/public/v1/channels/rewards/{id}",
    scope: "channel:rewards:write",
    input: UpdateRewardInput,
    output: Reward,
    send: "json",
  }),
  deleteReward: endpoint({
    method: "DELETE",
    path: "/public/v1/channels/rewards/{id}",
    scope: "channel:rewards:write",
    input: RewardIdInput,
    output: null,
    send: "query",
  }),
  listRedemptions: endpoint({
    method: "GET",
    path: "/public/v1/channels/rewards/redemptions",
    scope: "channel:rewards:read",
    input: ListRedemptionsInput,
    output: z.array(RedemptionGroup),
    send: "query",
    paginated: true,
  }),
  acceptRedemptions: endpoint({
    method: "POST",
    path: "/public/v1/channels/rewards/redemptions/accept",
    scope: "channel:rewards:write",
    input: RedemptionIdsInput,
    output: z.array(RedemptionFailure),
    send: "json",
    retry: false,
  }),
  rejectRedemptions: endpoint({
    method: "POST",
    path: "/public/v1/channels/rewards/redemptions/reject",
    scope: "channel:rewards:write",
    input: RedemptionIdsInput,
    output: z.array(RedemptionFailure),
    send: "json",
    retry: false,
  }),
  getKicksLeaderboard: endpoint({
    method: "GET",
    path: "/public/v1/kicks/leaderboard",
    scope: "kicks:read",
    input: LeaderboardInput,
    output: Leaderboard,
    send: "query",
  }),
  listSubscriptions: endpoint({
    method: "GET",
    path: "/public/v1/events/subscriptions",
    scope: "events:subscribe",
    input: ListSubscriptionsInput,
    output: z.array(Subscription),
    send: "query",
  }),
  createSubscriptions: endpoint({
    method: "POST",
    path: "/public/v1/events/subscriptions",
    scope: "events:subscribe",
    input: CreateSubscriptionsInput,
    output: z.array(SubscriptionResult),
    send: "json",
    retry: false,
  }),
  deleteSubscriptions: endpoint({
    method: "DELETE",
    path: "/public/v1/events/subscriptions",
    scope: "events:subscribe",
    input: DeleteSubscriptionsInput,
    output: null,
    send: "query",
  }),
  getPublicKey: endpoint({
    method: "GET",
    path: "/public/v1/public-key",
    scope: null,
    auth: "none",
    input: Empty,
    output: PublicKey,
    send: "query",
  }),
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;
