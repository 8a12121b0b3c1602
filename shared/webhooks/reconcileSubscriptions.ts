import type { Account } from "../storage/accountsStore";
import { kickClient, type KickConfig } from "../kick/index";
import { EVENT_ENDPOINTS } from "../kick/schemas/events";
import { EVENT_TYPES, type EventType, type Subscription } from "../kick/schemas/events";
import { appTokenSource } from "../tokens/getAppAccessToken";
import type { TokenStoreEnv } from "../storage/tokenStore";
import { errorLabel } from "../log";
import { SyncInProgressError } from "./errors";
import { channelSubscriptions, deleteSubscriptions } from "./channelSubscriptions";
import { eventsWanted } from "../storage/rulesStore";
import { hasOverlayKey } from "../storage/accountsStore";
import { REPLY_EVENTS } from "./replyToEvent";
import { subscriptionSyncs } from "../storage/webhookStore";
import { NAMED_ONLY_EVENTS } from "./relayPolicy";

export interface SyncSummary {
  account_id: number;
  desired: EventType[];
  kept: number;
  created: EventType[];
  removed_duplicates: number;
  removed_unwanted: number;
  errors: { event: string; error: string }[];
}

/** A sync's result as it crosses the service binding: the summary, or the refusal as callers see it. */
export type SyncAnswer =
  { ok: true; summary: SyncSummary } | { ok: false; status: number; code: string; message: string; details?: unknown };

/**
 * The events an account needs: what its relays and replies listen to, go-live when it
 * announces automatically, kicks.gifted when it keeps the leaderboard, and what the alerts
 * overlay shows (follows, subs, gifts, redemptions) when it has an overlay key to show it with.
 */
export async function desiredEvents(db: D1Database, account: Account): Promise<EventType[]> {
  if (account.role !== "broadcaster") return [];
  const [events, overlay] = await Promise.all([eventsWanted(db, account.id), hasOverlayKey(db, account.id)]);
  const wanted = new Set<string>(overlay ? [...events, ...REPLY_EVENTS] : events);
  if (account.scopes.includes("kicks:read")) wanted.add("kicks.gifted");
  // `*` never brings chat in: a relay gets it only by name (as queueing relays decides too).
  return EVENT_TYPES.filter((t) => wanted.has(t) || (wanted.has("*") && !NAMED_ONLY_EVENTS.includes(t)));
}

const oldestFirst = (a: Subscription, b: Subscription) =>
  (a.created_at ?? "").localeCompare(b.created_at ?? "") || a.id.localeCompare(b.id);

/**
 * Makes Kick's subscriptions for one channel match what it needs (docs/kick-api.md §4.1, §7):
 * creates the missing ones (including those Kick dropped after failed deliveries, or never
 * kept), deletes duplicates (a double POST makes two, and two mean every event twice) and
 * ones no longer wanted. Uses the app token, which may subscribe any channel. Three Kick
 * calls at most.
 */
export async function reconcileSubscriptions(
  env: TokenStoreEnv,
  config: KickConfig,
  account: Account,
  now: number,
): Promise<SyncSummary> {
  // One sync per account at a time: two at once would both create what is missing (duplicates).
  if (!(await subscriptionSyncs.lease(env.DB, account.id, now))) throw new SyncInProgressError();
  let summary: SyncSummary | { error: string };
  try {
    summary = await sync(env, config, account, now);
    return summary;
  } catch (error) {
    summary = { error: errorLabel(error) };
    throw error;
  } finally {
    // Failed or not, the attempt is recorded: a failing account waits its turn instead of blocking the rest.
    await subscriptionSyncs.record(env.DB, account.id, now, JSON.stringify(summary!));
  }
}

async function sync(env: TokenStoreEnv, config: KickConfig, account: Account, now: number): Promise<SyncSummary> {
  const kick = kickClient(EVENT_ENDPOINTS, config, appTokenSource(env, config, now));
  const desired = await desiredEvents(env.DB, account);
  const existing = (await channelSubscriptions(kick, account.id)).sort(oldestFirst);
  const keep = new Map<string, Subscription>();
  const duplicates: string[] = [];
  const unwanted: string[] = [];
  for (const s of existing) {
    if (!(desired as string[]).includes(s.event) || s.version !== 1) unwanted.push(s.id);
    else if (keep.has(s.event)) duplicates.push(s.id);
    else keep.set(s.event, s);
  }
  const summary: SyncSummary = {
    account_id: account.id,
    desired,
    kept: keep.size,
    created: [],
    removed_duplicates: 0,
    removed_unwanted: 0,
    errors: [],
  };

  await deleteSubscriptions(kick, [...duplicates, ...unwanted]);
  summary.removed_duplicates = duplicates.length;
  summary.removed_unwanted = unwanted.length;

  const missing = desired.filter((e) => !keep.has(e));
  if (missing.length) {
    const results = await kick.createSubscriptions({
      broadcaster_user_id: account.id,
      events: missing.map((name) => ({ name, version: 1 })),
      method: "webhook",
    });
    for (const r of results) {
      if (r.error || !r.subscription_id)
        summary.errors.push({ event: r.name, error: r.error ?? "no subscription id returned" });
      else summary.created.push(r.name as EventType);
    }
  }
  if (summary.errors.length)
    console.warn(JSON.stringify({ event: "subscription_sync_refused", account: account.id, errors: summary.errors }));
  return summary;
}
