import { countDueForRefresh, dueForRefresh } from "../../shared/storage/tokenStore";
import { InvocationBudget } from "../../shared/refresh/invocationBudget";
import { accountsPerInvocation, emptySummary, refreshMany, type RunSummary } from "./refreshMany";
import { refreshSettings, type RefreshEnv, type RefreshMessage } from "./settings";

/** What the run itself spends before any account: counting and selecting the due ones. */
const OVERHEAD = { subrequests: 0, kvOps: 0, d1Queries: 2 };
/** Queue sends per call (Queues' sendBatch limit), and per run (each counts as a subrequest). */
const SEND_BATCH = 100;
const MAX_SENDS = 40;

/**
 * The cron run: find the accounts due for a refresh. Do what fits in this invocation's
 * limits; with a queue, hand everything to consumers in batches that each fit one invocation
 * instead; without one, leave the rest (most urgent first next time) for the next run.
 */
export async function runRefresh(
  env: RefreshEnv,
  budget = new InvocationBudget(),
  now = Date.now(),
): Promise<RunSummary> {
  const summary = emptySummary("cron", budget);
  const db = budget.meter(env).DB;
  const perInvocation = accountsPerInvocation(budget.limits, OVERHEAD);
  const dueBefore = now + refreshSettings(env).refreshWindowMs;
  summary.due = await countDueForRefresh(db, dueBefore, now);
  if (summary.due === 0) return log(summary);

  const queue = env.REFRESH_QUEUE;
  const limit = queue && summary.due > perInvocation ? summary.due : perInvocation;
  const ids = await dueForRefresh(db, dueBefore, now, limit);

  if (queue && ids.length > perInvocation) {
    const messages: { body: RefreshMessage }[] = [];
    for (let i = 0; i < ids.length && messages.length < MAX_SENDS * SEND_BATCH; i += perInvocation)
      messages.push({ body: { accountIds: ids.slice(i, i + perInvocation) } });
    for (let i = 0; i < messages.length; i += SEND_BATCH) {
      budget.used.subrequests++;
      await queue.sendBatch(messages.slice(i, i + SEND_BATCH));
    }
    summary.enqueued = messages.reduce((n, m) => n + m.body.accountIds.length, 0);
    summary.carried_over = summary.due - summary.enqueued;
    return log(summary);
  }
  await refreshMany(env, ids, budget, summary, now);
  summary.carried_over += Math.max(0, summary.due - ids.length);
  return log(summary);
}

/** A queue consumer invocation: one message, one batch of accounts that fits its limits. */
export async function consumeRefreshBatch(
  env: RefreshEnv,
  accountIds: number[],
  budget = new InvocationBudget(),
  now = Date.now(),
): Promise<RunSummary> {
  const summary = { ...emptySummary("queue", budget), due: accountIds.length };
  await refreshMany(env, accountIds, budget, summary, now);
  return log(summary);
}

function log(summary: RunSummary): RunSummary {
  console.log(JSON.stringify(summary));
  return summary;
}
