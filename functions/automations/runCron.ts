import { listAccounts, type Account } from "../../shared/storage/accountsStore";
import { kickClient, type KickConfig, type Livestream } from "../../shared/kick/index";
import { LIVESTREAM_ENDPOINTS } from "../../shared/kick/schemas/livestreams";
import { AUTOMATIONS_ENDPOINTS } from "./kickEndpoints";
import { appTokenSource } from "../../shared/tokens/getAppAccessToken";
import { kickContextFor, type KickContext } from "../../shared/announce/KickContext";
import { announceOnce } from "../../shared/announce/announceOnce";
import { speaker } from "../../shared/announce/speaker";
import { ChatCapError } from "../../shared/announce/errors";
import { announceRules, liveState, TIMER_LIMITS, timerRuns } from "../../shared/storage/rulesStore";
import { kicksLastSeenAt } from "../../shared/storage/leaderboardStore";
import { takeSnapshot } from "../../shared/leaderboard/takeSnapshot";
import { logError } from "../../shared/log";
import { automationsSettings, type AutomationsEnv } from "./settings";

export interface CronSummary {
  event: "automations_cron";
  channels: number;
  live: number;
  went_live: number;
  announced: number;
  timers_posted: number;
  snapshots: number;
  errors: number;
}

/** Live streams of up to 100 channels a call, with the app token (live status needs no user). */
async function liveStreams(
  env: AutomationsEnv,
  config: KickConfig,
  ids: number[],
  now: number,
): Promise<Map<number, Livestream>> {
  const app = kickClient(LIVESTREAM_ENDPOINTS, config, appTokenSource(env, config, now));
  const live = new Map<number, Livestream>();
  for (let i = 0; i < ids.length; i += 100)
    for (const s of await app.getUsersLivestreams({ user_id: ids.slice(i, i + 100) }))
      live.set(s.broadcaster_user.id, s);
  return live;
}

/**
 * The minute cron: the fallback go-live detector (webhooks are best-effort at Kick), timed
 * messages (posted only while the channel is live), and KICKs leaderboard snapshots.
 */
export async function runAutomationsCron(env: AutomationsEnv, now = Date.now()): Promise<CronSummary> {
  const summary: CronSummary = {
    event: "automations_cron",
    channels: 0,
    live: 0,
    went_live: 0,
    announced: 0,
    timers_posted: 0,
    snapshots: 0,
    errors: 0,
  };
  const channels = (await listAccounts(env.DB)).filter((a) => a.role === "broadcaster" && !a.needsReconnect);
  summary.channels = channels.length;
  if (channels.length === 0) return log(summary);
  const config = automationsSettings(env).kick;
  const live = await liveStreams(
    env,
    config,
    channels.map((a) => a.id),
    now,
  );

  for (const account of channels) {
    const stream = live.get(account.id);
    const ctx: KickContext = kickContextFor(env, account, now, AUTOMATIONS_ENDPOINTS);
    try {
      const previous = await liveState.swap(env.DB, account.id, {
        live: Boolean(stream),
        startedAt: stream?.started_at ?? null,
        checkedAt: now,
      });
      if (await snapshotDue(env, account, Boolean(stream), now)) {
        await takeSnapshot(env.DB, ctx.kick, account.id, now);
        summary.snapshots++;
      }
      if (!stream) continue;
      summary.live++;
      if (!previous || previous.live === 0 || previous.started_at !== stream.started_at) {
        summary.went_live++;
        if (await announceRules.isAuto(env.DB, account.id)) {
          const result = await announceOnce({ ...ctx, input: {} }, "cron");
          if (result.posted) summary.announced++;
        }
      }
      summary.timers_posted += await postDueTimers(ctx, Date.parse(stream.started_at ?? "") || now);
    } catch (error) {
      summary.errors++;
      logError("automations_cron_error", error, { account: account.id });
    }
  }
  return log(summary);
}

/** KICKs snapshots every KICKS_SNAPSHOT_LIVE_MINUTES while live, KICKS_SNAPSHOT_MINUTES otherwise. */
async function snapshotDue(env: AutomationsEnv, account: Account, live: boolean, now: number): Promise<boolean> {
  if (!account.scopes.includes("kicks:read")) return false;
  const settings = automationsSettings(env);
  const every = (live ? settings.KICKS_SNAPSHOT_LIVE_MINUTES : settings.KICKS_SNAPSHOT_MINUTES) * 60_000;
  const last = await kicksLastSeenAt(env.DB, account.id);
  return last === null || now - last >= every;
}

/** Timers whose interval has passed since their last post (or since the stream started). */
async function postDueTimers(ctx: KickContext, streamStartedAt: number): Promise<number> {
  let posted = 0;
  const chat = await speaker({ ...ctx, input: {} });
  for (const timer of await timerRuns.enabled(ctx.env.DB, ctx.account.id)) {
    const since = Math.max(timer.last_posted_at ?? 0, streamStartedAt);
    const every = Math.max(timer.interval_minutes, TIMER_LIMITS.minIntervalMinutes);
    if (ctx.now - since < every * 60_000) continue;
    try {
      await chat.sendChat({ type: "user", broadcaster_user_id: ctx.account.id, content: timer.message });
    } catch (error) {
      // The channel's posts for this minute are spent: the rest wait for the next run.
      if (error instanceof ChatCapError) break;
      throw error;
    }
    await timerRuns.markPosted(ctx.env.DB, ctx.account.id, timer.name, ctx.now);
    posted++;
  }
  return posted;
}

function log(summary: CronSummary): CronSummary {
  console.log(JSON.stringify(summary));
  return summary;
}
