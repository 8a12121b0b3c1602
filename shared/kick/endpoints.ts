import type * as z from "zod/mini";
import { kickClient } from "./client";
import type { KickConfig } from "./config";
import { BROWSE_ENDPOINTS } from "./schemas/browse";
import { CATEGORY_ENDPOINTS } from "./schemas/categories";
import { CHANNEL_ENDPOINTS } from "./schemas/channels";
import { CHAT_ENDPOINTS } from "./schemas/chat";
import { EVENT_ENDPOINTS } from "./schemas/events";
import { KICKS_ENDPOINTS } from "./schemas/kicks";
import { LIVESTREAM_ENDPOINTS } from "./schemas/livestreams";
import { MODERATION_ENDPOINTS } from "./schemas/moderation";
import { PUBLIC_KEY_ENDPOINTS } from "./schemas/publicKey";
import { REWARD_ENDPOINTS } from "./schemas/rewards";
import { USER_ENDPOINTS } from "./schemas/users";
import type { KickScope } from "./scopes";
import type { TokenSource } from "./tokenSource";

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

export type EndpointTable = Record<string, Endpoint>;

/**
 * Every public REST endpoint (docs/kick-api.md §3.1), for the emulator's routes and the tests. Each
 * group sits beside its schemas in `schemas/`, and a Worker builds its client from only the
 * groups it calls: zod schemas cannot be tree-shaken, so importing this table would put all
 * of them in every bundle.
 */
export const ENDPOINTS = {
  ...USER_ENDPOINTS,
  ...CHANNEL_ENDPOINTS,
  ...CATEGORY_ENDPOINTS,
  ...LIVESTREAM_ENDPOINTS,
  ...BROWSE_ENDPOINTS,
  ...CHAT_ENDPOINTS,
  ...MODERATION_ENDPOINTS,
  ...REWARD_ENDPOINTS,
  ...KICKS_ENDPOINTS,
  ...EVENT_ENDPOINTS,
  ...PUBLIC_KEY_ENDPOINTS,
} as const satisfies EndpointTable;

export type EndpointName = keyof typeof ENDPOINTS;

/** A client with every endpoint (tests, scripts). A Worker calls `kickClient` with its own groups. */
export function createKickClient(config: KickConfig, tokens: TokenSource | null) {
  return kickClient(ENDPOINTS, config, tokens);
}
