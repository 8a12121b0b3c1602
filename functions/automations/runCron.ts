import { accounts, type Account } from "../../shared/accounts/accounts";
import { createKickClient, kickConfigFromEnv, type KickConfig, type Livestream } from "../../shared/kick/index";
import { accountTokenSource } from "../../shared/refresh/getAccessToken";
import { appTokenSource } from "../../shared/tokens/getAppAccessToken";
import type { KickContext } from "./Action";
import { announceOnce } from "../../shared/announce/announceOnce";
import { kicksQueries } from "../../shared/kicks/kicksQueries";
import { takeSnapshot } from "../../shared/kicks/takeSnapshot";
import type { AutomationsEnv } from "./AutomationsEnv";

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
  const app = createKickClient(config, appTokenSource(env, config, now));
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
  const channels = (await accounts.list(env.DB)).filter((a) => a.role === "broadcaster" && !a.needsReconnect);
  summary.channels = channels.length;
  if (channels.length === 0) return log(summary);
  const config = kickConfigFromEnv(env);
  const live = await liveStreams(
    env,
    config,
    channels.map((a) => a.id),
    now,
  );

  for (const account of channels) {
    const stream = live.get(account.id);
    const ctx: KickContext = {
      env,
      account,
      config,
      now,
      kick: createKickClient(config, accountTokenSource(env, account.id, config)),
    };
    try {
      const previous = await env.DB.prepare("SELECT live, started_at FROM live_state WHERE account_id = ?")
        .bind(account.id)
        .first<{ live: number; started_at: string | null }>();
      await env.DB.prepare(
        "INSERT INTO live_state (account_id, live, started_at, checked_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account_id) DO UPDATE SET live = ?2, started_at = ?3, checked_at = ?4",
      )
        .bind(account.id, stream ? 1 : 0, stream?.started_at ?? null, now)
        .run();
      if (await snapshotDue(env, account, Boolean(stream), now)) {
        await takeSnapshot(env.DB, ctx.kick, account.id, now);
        summary.snapshots++;
      }
      if (!stream) continue;
      summary.live++;
      if (!previous || previous.live === 0 || previous.started_at !== stream.started_at) {
        summary.went_live++;
        if (await announces(env, account)) {
          const result = await announceOnce({ ...ctx, input: {} }, "cron");
          if (result.posted) summary.announced++;
        }
      }
      summary.timers_posted += await postDueTimers(ctx, Date.parse(stream.started_at ?? "") || now);
    } catch (error) {
      summary.errors++;
      console.error(
        JSON.stringify({
          event: "automations_cron_error",
          account: account.id,
          name: (error as Error).name,
          code: (error as { code?: string }).code,
        }),
      );
    }
  }
  return log(summary);
}

/** KICKs snapshots every KICKS_SNAPSHOT_LIVE_MINUTES while live, KICKS_SNAPSHOT_MINUTES otherwise. */
async function snapshotDue(env: AutomationsEnv, account: Account, live: boolean, now: number): Promise<boolean> {
  if (!account.scopes.includes("kicks:read")) return false;
  const minutes = Number(live ? env.KICKS_SNAPSHOT_LIVE_MINUTES : env.KICKS_SNAPSHOT_MINUTES) || (live ? 5 : 60);
  const last = await kicksQueries.lastSeenAt(env.DB, account.id);
  return last === null || now - last >= minutes * 60_000;
}

/** Only channels whose announce rule says so are announced automatically. */
async function announces(env: AutomationsEnv, account: Account): Promise<boolean> {
  const rule = await env.DB.prepare("SELECT auto FROM announce_rules WHERE account_id = ?")
    .bind(account.id)
    .first<{ auto: number }>();
  return rule?.auto === 1;
}

/** Timers whose interval has passed since their last post (or since the stream started). */
async function postDueTimers(ctx: KickContext, streamStartedAt: number): Promise<number> {
  const { results } = await ctx.env.DB.prepare(
    "SELECT name, message, interval_minutes, last_posted_at FROM timers WHERE account_id = ? AND enabled = 1",
  )
    .bind(ctx.account.id)
    .all<{ name: string; message: string; interval_minutes: number; last_posted_at: number | null }>();
  let posted = 0;
  for (const timer of results) {
    const since = Math.max(timer.last_posted_at ?? 0, streamStartedAt);
    if (ctx.now - since < timer.interval_minutes * 60_000) continue;
    await ctx.kick.sendChat({ type: "user", broadcaster_user_id: ctx.account.id, content: timer.message });
    await ctx.env.DB.prepare("UPDATE timers SET last_posted_at = ? WHERE account_id = ? AND name = ?")
      .bind(ctx.now, ctx.account.id, timer.name)
      .run();
    posted++;
  }
  return posted;
}

function log(summary: CronSummary): CronSummary {
  console.log(JSON.stringify(summary));
  return summary;
}
