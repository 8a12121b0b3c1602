import { CATEGORY_ENDPOINTS } from "../../shared/kick/schemas/categories";
import { CHANNEL_ENDPOINTS } from "../../shared/kick/schemas/channels";
import { CHAT_ENDPOINTS } from "../../shared/kick/schemas/chat";
import { KICKS_ENDPOINTS } from "../../shared/kick/schemas/kicks";
import { LIVESTREAM_ENDPOINTS } from "../../shared/kick/schemas/livestreams";
import { MODERATION_ENDPOINTS } from "../../shared/kick/schemas/moderation";
import { REWARD_ENDPOINTS } from "../../shared/kick/schemas/rewards";

/**
 * What the actions and the cron call at Kick as the account. Subscriptions go through
 * reconcileSubscriptions' own app client; the public directory is never read, so its schemas
 * stay out of this Worker's bundle.
 */
export const AUTOMATIONS_ENDPOINTS = {
  ...CHANNEL_ENDPOINTS,
  ...CATEGORY_ENDPOINTS,
  ...LIVESTREAM_ENDPOINTS,
  ...CHAT_ENDPOINTS,
  ...MODERATION_ENDPOINTS,
  ...REWARD_ENDPOINTS,
  ...KICKS_ENDPOINTS,
};
