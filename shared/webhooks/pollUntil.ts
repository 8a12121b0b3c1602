/**
 * Waiting on something another invocation of this isolate is doing (a batch it sends, a key it
 * fetches), on this invocation's own timers. Awaiting the other's promise would not do:
 * workerd cancels a request that waits on nothing of its own as hung, and a continuation
 * resolved from a request that has ended never runs.
 */

/** Soon after it may be ready, then less and less often: each look is a timer's CPU time. */
const POLL_MS = [2, 5, 10, 20, 50];

/** Whether `done()` came true within `ms`. */
export async function pollUntil(done: () => boolean, ms: number): Promise<boolean> {
  for (let i = 0, end = Date.now() + ms; !done(); i++) {
    if (Date.now() > end) return false;
    await scheduler.wait(POLL_MS[Math.min(i, POLL_MS.length - 1)]!);
  }
  return true;
}
