import { randomToken } from "../../shared/encoding";
import { logError } from "../../shared/log";
import { InvocationBudget, type Usage } from "../../shared/refresh/invocationBudget";
import { refreshAccount, refreshActivity, type RefreshOutcome } from "../../shared/refresh/refreshAccount";
import { recordRefreshes } from "../../shared/storage/activityStore";
import { REFRESH_POLICY } from "../../shared/refresh/refreshPolicy";
import { mapWithConcurrency } from "./mapWithConcurrency";
import { refreshSettings, type RefreshEnv } from "./settings";

export interface RunSummary {
  event: "refresh_run";
  source: "cron" | "queue";
  due: number;
  refreshed: number;
  skipped_leased: number;
  not_due: number;
  failed_transient: number;
  marked_dead: number;
  enqueued: number;
  carried_over: number;
  used: Usage;
}

export const emptySummary = (source: RunSummary["source"], budget: InvocationBudget): RunSummary => ({
  event: "refresh_run",
  source,
  due: 0,
  refreshed: 0,
  skipped_leased: 0,
  not_due: 0,
  failed_transient: 0,
  marked_dead: 0,
  enqueued: 0,
  carried_over: 0,
  used: budget.used,
});

const TALLY: Record<RefreshOutcome["kind"], keyof RunSummary | null> = {
  refreshed: "refreshed",
  recovered: "not_due",
  not_due: "not_due",
  leased: "skipped_leased",
  backing_off: "not_due",
  dead: "marked_dead",
  transient: "failed_transient",
  missing: null,
};

/** Refreshes the given accounts (those still due), six at a time, each under its own lease. */
export async function refreshMany(
  env: RefreshEnv,
  accountIds: number[],
  budget: InvocationBudget,
  summary: RunSummary,
  now = Date.now(),
): Promise<void> {
  const metered = budget.meter(env);
  const settings = refreshSettings(env);
  const config = { ...settings.kick, fetch: budget.meterFetch() };
  const dueBefore = now + settings.refreshWindowMs;
  const owner = `${summary.source}:${randomToken(9)}`;
  const outcomes = await mapWithConcurrency(accountIds, REFRESH_POLICY.concurrency, (accountId) =>
    // Each lease from the moment it is taken, not from the run's start: a slow Kick must not hand
    // late accounts a lease that has already lapsed.
    refreshAccount(metered, { accountId, owner, config, now: Date.now(), mode: { kind: "cron", dueBefore } }).catch(
      (error: unknown) => {
        logError("refresh_error", error, { account: accountId });
        return { kind: "transient", error: "internal", retryAt: now } as const;
      },
    ),
  );
  for (const outcome of outcomes) {
    const field = TALLY[outcome.kind];
    if (field) (summary[field] as number)++;
    if (outcome.kind === "dead")
      console.log(JSON.stringify({ event: "account_needs_reconnect", reason: outcome.reason }));
  }
  // The run's rows for the activity pages, in one statement, only if the budget has one left:
  // refreshing comes first, and the worst case (every write fenced out) spends it all.
  const activity = outcomes.flatMap((outcome, i) => refreshActivity(accountIds[i]!, "scheduled", outcome, now) ?? []);
  if (activity.length && budget.fits({ subrequests: 0, kvOps: 0, d1Queries: 1 }))
    await recordRefreshes(metered.DB, activity).catch((error: unknown) => logError("activity_not_recorded", error));
}
