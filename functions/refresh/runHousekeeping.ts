import { thinSnapshots } from "../../shared/storage/leaderboardStore";
import { forgetOldActivity } from "../../shared/storage/activityStore";
import { forgetOldAlerts } from "../../shared/storage/alertsStore";
import { forgetAppToken, readSealedAppToken, resealOldTokenRecords } from "../../shared/storage/tokenStore";
import { relaySecretsSweep } from "../../shared/storage/rulesStore";
import { keyRing } from "../../shared/tokens/encryptionKeys";
import { resealed, sealedUnderCurrentKey, sealedWithOldKey } from "../../shared/tokens/seal";
import { relaySecretContext } from "../../shared/webhooks/relayDeliveries";
import { logError } from "../../shared/log";
import { housekeepingSettings, type RefreshEnv } from "./settings";

/** The cron expression of the hourly housekeeping run (wrangler.toml). */
export const HOUSEKEEPING_CRON = "17 * * * *";

/**
 * D1 upkeep that needs no Kick call: KICKs history thinning and the activity and alerts tables'
 * retention, in bounded batches. Hourly, not each minute: finding what to thin reads every snapshot older
 * than a week.
 */
export async function runHousekeeping(env: RefreshEnv, now = Date.now()) {
  const retention = { ...housekeepingSettings(env).retention, batch: 500 };
  let thinned = 0;
  // Three batches at most: each is two D1 round trips (six queries), far inside the 50 per invocation.
  for (let round = 0; round < 3; round++) {
    const n = await thinSnapshots(env.DB, now, retention);
    thinned += n;
    if (n < retention.batch) break;
  }
  const forgotten = await forgetActivity(env.DB, now).catch((error) => {
    logError("activity_sweep_failed", error);
    return { aged: 0, excess: 0 };
  });
  const alertsForgotten = await forgetOldAlerts(env.DB, now, ALERTS_BATCH).catch((error) => {
    logError("alerts_sweep_failed", error);
    return { aged: 0, excess: 0 };
  });
  const resealedCount = await resealOldKeys(env).catch((error) => {
    logError("reseal_failed", error);
    return { tokens: 0, relays: 0 };
  });
  const summary = {
    event: "housekeeping",
    kicks_snapshots_thinned: thinned,
    activity_forgotten: forgotten.aged + forgotten.excess,
    alerts_forgotten: alertsForgotten.aged + alertsForgotten.excess,
    resealed_tokens: resealedCount.tokens,
    resealed_relays: resealedCount.relays,
  };
  console.log(JSON.stringify(summary));
  return summary;
}

/** Activity rows deleted per statement: an hour of a busy channel's triggers fits in a round or two. */
const ACTIVITY_BATCH = 1000;

/**
 * The activity table's retention (shared/storage/activityStore.ts): past its age, and past each
 * account's newest rows. Three rounds at most, each one D1 round trip of two statements.
 */
async function forgetActivity(db: D1Database, now: number) {
  const total = { aged: 0, excess: 0 };
  for (let round = 0; round < 3; round++) {
    const n = await forgetOldActivity(db, now, ACTIVITY_BATCH);
    total.aged += n.aged;
    total.excess += n.excess;
    if (n.aged < ACTIVITY_BATCH && n.excess < ACTIVITY_BATCH) break;
  }
  return total;
}

/**
 * Alerts deleted per statement, one round: an hour of a follow storm on a few channels. Whatever
 * is left goes in the next run; the overlay reads by id, so a bigger table costs it nothing.
 */
const ALERTS_BATCH = 1000;

/** Per run, at most this many token records and relays are re-sealed: a few D1 queries and KV deletes. */
const RESEAL_BATCH = 10;

/**
 * After TOKEN_ENCRYPTION_KEY rotates, moves what is still sealed under an older key to the new
 * one, so the old key can be dropped: token records (refreshes re-seal them too, but an account
 * waiting for a re-connect is never refreshed), relay secrets (never rewritten otherwise), and
 * the cached app token (simply forgotten). Pending OAuth flows live 10 minutes and are left to
 * expire. Each write is a compare-and-swap on the exact old value: whatever changed meanwhile wins.
 */
export async function resealOldKeys(env: RefreshEnv): Promise<{ tokens: number; relays: number }> {
  const ring = await keyRing(env);
  const current = sealedUnderCurrentKey(ring);
  const tokens = await resealOldTokenRecords(env, current, RESEAL_BATCH);
  // From a few times the batch, in id order: a secret that no longer opens is skipped and logged.
  const relays = await relaySecretsSweep.onOldKeys(env.DB, current, RESEAL_BATCH * 5);
  const replacements: D1PreparedStatement[] = [];
  for (const r of relays) {
    if (replacements.length >= RESEAL_BATCH) break;
    const context = relaySecretContext(r.id);
    try {
      const secret = (await resealed(ring, r.secret, context)) ?? r.secret;
      // A previous secret past its overlap signs nothing more: dropped, not re-sealed.
      const live = r.previous_secret !== null && (r.previous_secret_until ?? 0) > Date.now();
      const previous = live ? ((await resealed(ring, r.previous_secret!, context)) ?? r.previous_secret) : null;
      replacements.push(
        relaySecretsSweep.replace(
          env.DB,
          r.id,
          { secret: r.secret, previous: r.previous_secret },
          { secret, previous },
        ),
      );
    } catch (error) {
      logError("reseal_unreadable", error, { table: "relays", relay_id: r.id });
    }
  }
  const written = replacements.length ? await env.DB.batch(replacements) : [];
  const appToken = await readSealedAppToken(env);
  if (appToken && sealedWithOldKey(ring, appToken)) await forgetAppToken(env);
  return { tokens, relays: written.filter((r) => r.meta.changes !== 0).length };
}
