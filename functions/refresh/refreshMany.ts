import { randomToken } from "../../shared/encoding";
import { logError } from "../../shared/log";
import { InvocationBudget, type Usage } from "../../shared/refresh/invocationBudget";
import {
  claimOf,
  exchange,
  internal,
  refreshActivity,
  sealedOf,
  settle,
  settled,
  whyNotLeased,
  type Exchanged,
  type RefreshOutcome,
} from "../../shared/refresh/refreshAccount";
import { recordRefreshes } from "../../shared/storage/activityStore";
import { cacheSealedRecord, ROUND_STATEMENTS, type RoundResult } from "../../shared/storage/tokenStore";
import { REFRESH_POLICY } from "../../shared/refresh/refreshPolicy";
import { connectionSlots } from "./mapWithConcurrency";
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
  late: "carried_over",
};

const late = async (accountId: number): Promise<Exchanged> => ({
  settlement: { kind: "release", accountId },
  outcome: { kind: "late" },
});

/**
 * Accounts leased at once: as many as can be at Kick at once, so no lease starts before its
 * Kick call can (a lease must outlast the call, its one retry and the write).
 */
const BATCH = REFRESH_POLICY.concurrency;
const ROUND = ROUND_STATEMENTS.settle + ROUND_STATEMENTS.claim;

/**
 * What refreshing `n` accounts may cost one invocation at most: two Kick calls and one KV write
 * each; per batch a claim and a settle (a round each, settling one batch and claiming the next
 * share one); the activity rows, and marking records uncertain if a write never lands.
 */
export const runCost = (n: number): Usage => ({
  subrequests: 2 * n,
  kvOps: n,
  d1Queries: ROUND * Math.ceil(n / BATCH) + 2,
});

/** The most accounts one invocation takes on within `limits` after `reserve`: whole batches when more than one fits. */
export function accountsPerInvocation(limits: Usage, reserve: Usage): number {
  const fits = (n: number) => new InvocationBudget(limits).fits(runCost(n), reserve) >= 1;
  let n = 0;
  while (fits(n + 1)) n++;
  return Math.max(1, n >= BATCH ? n - (n % BATCH) : n);
}

/**
 * Refreshes the given accounts (those still due) in batches, each account under its own lease:
 * one D1 round trip settles a batch and claims the next; the Kick calls run six at a time in
 * between, and the KV copies follow D1's writes when a connection is free.
 */
export async function refreshMany(
  env: RefreshEnv,
  accountIds: number[],
  budget: InvocationBudget,
  summary: RunSummary,
  now = Date.now(),
): Promise<void> {
  if (!accountIds.length) return;
  const metered = budget.meter(env);
  const settings = refreshSettings(env);
  const config = { ...settings.kick, fetch: budget.meterFetch() };
  const mode = { kind: "cron", dueBefore: now + settings.refreshWindowMs } as const;
  const owner = `${summary.source}:${randomToken(9)}`;
  const connection = connectionSlots(REFRESH_POLICY.concurrency);
  const outcomes = new Map<number, RefreshOutcome>();
  const caching: Promise<void>[] = [];
  let exchanged: Exchanged[] = [];
  let next = 0;
  do {
    const ids = accountIds.slice(next, (next += BATCH));
    // A retried round must leave room for every round still to come.
    const reserve = runCost(Math.max(0, accountIds.length - next + ids.length));
    const mayRetry = () => budget.fits({ subrequests: 0, kvOps: 0, d1Queries: ROUND }, reserve) >= 1;
    // Each lease from the moment it is taken, not from the run's start: a slow Kick must not hand
    // late accounts a lease that has already lapsed.
    const at = Date.now();
    let round: RoundResult;
    try {
      round = await settle(metered.DB, owner, exchanged, ids.length ? claimOf(ids, { now: at, mode }) : null, mayRetry);
    } catch (error) {
      // D1 is failing: the records that did not land are marked uncertain; the rest are not tried.
      for (const e of exchanged) logError("refresh_error", error, { account: e.settlement.accountId });
      for (const id of [...exchanged.map((e) => e.settlement.accountId), ...ids, ...accountIds.slice(next)])
        outcomes.set(id, internal(now));
      break;
    }
    // Kick first: these leases are running. The KV copies of the batch just written take the
    // connections the Kick calls leave.
    const calls = Promise.all(
      round.leased.map((row) =>
        connection(() =>
          Date.now() - at > REFRESH_POLICY.startWithinMs
            ? late(row.account_id)
            : exchange(metered, { accountId: row.account_id, config, now: at, mode }, row),
        ).catch(
          // One account's bug must not keep the others' new tokens from being written.
          (error: unknown): Exchanged => ({
            settlement: { kind: "release", accountId: row.account_id },
            outcome: internal(now),
            error,
          }),
        ),
      ),
    );
    for (const e of exchanged) {
      const accountId = e.settlement.accountId;
      const outcome = settled(e, round);
      outcomes.set(accountId, outcome);
      if (e.error) logError("refresh_error", e.error, { account: accountId });
      if (outcome.kind === "refreshed")
        caching.push(
          // D1 has the record and decides; a KV copy that did not land only sends readers to D1.
          connection(() => cacheSealedRecord(metered, accountId, sealedOf(e))).catch((error: unknown) =>
            logError("refresh_not_cached", error, { account: accountId }),
          ),
        );
    }
    for (const [accountId, blockers] of round.blocked) outcomes.set(accountId, whyNotLeased(blockers, at));
    exchanged = await calls;
  } while (exchanged.length || next < accountIds.length);

  for (const outcome of outcomes.values()) {
    const field = TALLY[outcome.kind];
    if (field) (summary[field] as number)++;
    if (outcome.kind === "dead")
      console.log(JSON.stringify({ event: "account_needs_reconnect", reason: outcome.reason }));
  }
  // The run's rows for the activity pages, in one statement, only if the budget has one left:
  // refreshing comes first.
  const activity = [...outcomes].flatMap(([id, outcome]) => refreshActivity(id, "scheduled", outcome, now) ?? []);
  await Promise.all([
    ...caching,
    activity.length && budget.fits({ subrequests: 0, kvOps: 0, d1Queries: 1 })
      ? recordRefreshes(metered.DB, activity).catch((error: unknown) => logError("activity_not_recorded", error))
      : undefined,
  ]);
}
