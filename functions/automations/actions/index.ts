import type { Action } from "../Action";
import { announce, setAnnounceRule } from "./announce";
import { setChannel } from "./channel";
import { deleteChat, sendChat } from "./chat";
import { ban, timeout, unban } from "./moderation";
import {
  acceptRedemptions,
  createReward,
  deleteReward,
  listRedemptions,
  listRewards,
  rejectRedemptions,
  updateReward,
} from "./rewards";
import { status, whoami } from "./status";
import { deleteTimer, listTimers, setTimer } from "./timers";
import { kicksGain, kicksHistory, kicksLeaderboard, kicksSnapshot, kicksTop } from "./kicks";
import { historyData, overlayData } from "../overlay/overlayData";
import {
  createRelay,
  deleteEventReply,
  deleteRelay,
  listEventReplies,
  listRelayDeliveries,
  listRelays,
  retryRelayDelivery,
  setEventReply,
  syncSubscriptions,
} from "./events";

/** Every trigger endpoint, in the order the OpenAPI document lists them. */
export const ACTIONS: Action[] = [
  whoami,
  status,
  announce,
  setAnnounceRule,
  sendChat,
  deleteChat,
  setChannel,
  ban,
  timeout,
  unban,
  listRewards,
  createReward,
  updateReward,
  deleteReward,
  listRedemptions,
  acceptRedemptions,
  rejectRedemptions,
  listTimers,
  setTimer,
  deleteTimer,
  kicksSnapshot,
  kicksLeaderboard,
  kicksTop,
  kicksHistory,
  kicksGain,
  overlayData,
  historyData,
  listEventReplies,
  setEventReply,
  deleteEventReply,
  listRelays,
  createRelay,
  deleteRelay,
  listRelayDeliveries,
  retryRelayDelivery,
  syncSubscriptions,
];
