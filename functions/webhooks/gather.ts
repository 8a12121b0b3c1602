/**
 * The work after the answer, gathered per isolate: the D1 statements of the events this isolate
 * is processing go to D1 together, one batch for several events, rather than two round trips
 * each. Local D1 and the real one alike run one query at a time per database, so every round
 * trip an event's steps take is one the next delivery's insert may wait behind.
 *
 * Each event still runs in its own invocation (its Kick calls and relay sends are charged to
 * its own subrequests); only its D1 statements travel in a batch that one of the events sends.
 * No invocation awaits a promise another one settles (pollUntil.ts says why): the sender writes
 * each event's results into the batch, and each event, on its own timers, looks for them there.
 */
import { pollUntil } from "../../shared/webhooks/pollUntil";

/** While other deliveries are in flight (a burst), events wait this long for company. */
const BUSY_MS = 1000;
/** A lone event waits only this long: its answer leaves first, and whatever arrives meanwhile joins. */
const QUIET_MS = 50;
/**
 * Statements in one batch, so that the invocation sending it stays within the Free plan's 50 D1
 * queries counted statement by statement (docs/architecture.md): its insert, at most one batch
 * for each of its event's two D1 steps, and its steps' own queries (1 + 20 + 20 + 9). A batch
 * holds 4 events' first step (5 statements each), 6 to 20 events' last (1 to 3).
 */
const MAX_STATEMENTS = 20;
/** An event gives up on its batch after this (the cron runs it again), within waitUntil's 30 s. */
const GIVE_UP_MS = 20_000;

type Outcome = { results: D1Result<unknown>[] } | { error: unknown };

interface Batch {
  statements: D1PreparedStatement[][];
  size: number;
  /** When its sender sends it, at the earliest. */
  at: number;
  /** Each event's results (or error), in order, once sent. */
  outcomes?: Outcome[];
}

let inFlight = 0;
let open: Batch | undefined;

/**
 * A delivery arriving: it counts as in flight until `leave` (its processing done, or no
 * processing); `batch` is its processing's way to D1.
 */
export function arrive(db: D1Database) {
  inFlight++;
  let left = false;
  return {
    batch: (statements: D1PreparedStatement[]) => gathered(db, statements),
    leave: () => void (left || ((left = true), inFlight--)),
  };
}

async function gathered(db: D1Database, statements: D1PreparedStatement[]): Promise<D1Result<unknown>[]> {
  let batch = open;
  // A batch past its time and still open: its sender is late, or its invocation is gone.
  if (!batch || batch.size + statements.length > MAX_STATEMENTS || Date.now() > batch.at) {
    // A new batch: its first event sends it, from its own invocation (kept alive by its waitUntil).
    batch = open = { statements: [], size: 0, at: Date.now() + (inFlight > 1 ? BUSY_MS : QUIET_MS) };
    void send(db, batch);
  }
  const index = batch.statements.push(statements) - 1;
  batch.size += statements.length;
  const sent = batch;
  await scheduler.wait(Math.max(0, sent.at - Date.now()));
  if (!(await pollUntil(() => sent.outcomes !== undefined, GIVE_UP_MS))) throw new Error("gathered_batch_not_sent");
  const outcome = sent.outcomes![index]!;
  if ("error" in outcome) throw outcome.error;
  return outcome.results;
}

async function send(db: D1Database, batch: Batch) {
  await scheduler.wait(Math.max(0, batch.at - Date.now()));
  if (open === batch) open = undefined;
  try {
    const results = await db.batch(batch.statements.flat());
    let at = 0;
    batch.outcomes = batch.statements.map((s) => ({ results: results.slice(at, (at += s.length)) }));
  } catch (error) {
    // A batch is one transaction: one event's failing statement undid them all. Each on its
    // own again, so only that event fails, as it would have alone.
    batch.outcomes =
      batch.statements.length === 1
        ? [{ error }]
        : await Promise.all(
            batch.statements.map((s) =>
              db.batch(s).then(
                (results) => ({ results }),
                (e: unknown) => ({ error: e }),
              ),
            ),
          );
  }
}
