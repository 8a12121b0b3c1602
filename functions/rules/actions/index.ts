import type { Action } from "../../../shared/actions/Action";
import { setAnnounceRule } from "./announceRule";
import { deleteTimer, listTimers, setTimer } from "./timers";
import {
  createRelay,
  deleteEventReply,
  deleteRelay,
  listEventReplies,
  listRelayDeliveries,
  listRelays,
  retryRelayDelivery,
  rotateRelaySecret,
  setEventReply,
} from "./events";
import { syncSubscriptions } from "./subscriptions";

/** Every rules endpoint, in the order the OpenAPI document lists them (after the automations Worker's). */
export const RULES_ACTIONS: Action[] = [
  setAnnounceRule,
  listTimers,
  setTimer,
  deleteTimer,
  listEventReplies,
  setEventReply,
  deleteEventReply,
  listRelays,
  createRelay,
  deleteRelay,
  rotateRelaySecret,
  listRelayDeliveries,
  retryRelayDelivery,
  syncSubscriptions,
];
