/**
 * Kick's documented request limits (docs/kick-api.md §0.10 and §5.1), in one table so the
 * client's validation, the emulator's checks and the docs cannot drift apart.
 */
export const KICK_LIMITS = {
  chatContentMax: 500,
  banReasonMax: 100,
  timeoutMinutesMin: 1,
  timeoutMinutesMax: 10_080,
  customTagsMax: 10,
  rewardTitleMax: 50,
  rewardDescriptionMax: 200,
  rewardCostMin: 1,
  rewardsPerChannelMax: 15,
  redemptionIdsMin: 1,
  redemptionIdsMax: 25,
  channelLookupMax: 50,
  channelSlugMax: 25,
  listLimitMin: 1,
  listLimitMax: 1000,
  livestreamsV1LimitMax: 100,
  livestreamsV1BroadcastersMax: 50,
  livestreamsV2FiltersMax: 25,
  usersLivestreamsMax: 100,
  categoriesV2CursorMax: 28,
  kicksTopMin: 1,
  kicksTopMax: 100,
} as const;
