import type { Action } from "../../../shared/actions/Action";
import { announce } from "./announce";
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
import { kicksGain, kicksHistory, kicksLeaderboard, kicksSnapshot, kicksTop } from "./kicks";
import { historyData, overlayData } from "../overlay/overlayData";
import { alertsData } from "../overlay/alertsData";

/** Every trigger endpoint, in the order the OpenAPI document lists them (the rules Worker's follow). */
export const ACTIONS: Action[] = [
  whoami,
  status,
  announce,
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
  kicksSnapshot,
  kicksLeaderboard,
  kicksTop,
  kicksHistory,
  kicksGain,
  overlayData,
  historyData,
  alertsData,
];
