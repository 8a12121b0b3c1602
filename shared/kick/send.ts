import type { KickConfig } from "./config";
import { USER_AGENT } from "./config";
import { KickNetworkError, KickTimeoutError } from "./errors";
import { readBody, type KickAnswer } from "./readBody";
import { backoffMs, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from "./retryPolicy";

export interface SendOptions {
  /** For error messages: which call this is. */
  endpoint: string;
  /** May this request be repeated? (An idempotent method, or a call marked safe.) */
  retryable: boolean;
  signal?: AbortSignal;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function retryPolicyOf(config: KickConfig): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...config.retry };
}

/**
 * One logical request to Kick: a fresh Request per attempt, a timeout per attempt, and
 * retries by the policy. Answers (any status) come back read; only a failure to get a
 * whole answer throws.
 */
export async function send(config: KickConfig, build: () => Request, options: SendOptions): Promise<KickAnswer> {
  const policy = retryPolicyOf(config);
  const doFetch = config.fetch ?? ((request: Request) => fetch(request));
  const sleep = config.sleep ?? realSleep;
  const random = config.random ?? Math.random;

  for (let attempt = 0; ; attempt++) {
    const canRetry = options.retryable && attempt < policy.limit;
    let answer: KickAnswer;
    try {
      answer = await attemptOnce(doFetch, build(), policy.timeoutMs, config.userAgent ?? USER_AGENT, options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const failure =
        error instanceof TimeoutSignal
          ? new KickTimeoutError(policy.timeoutMs, options.endpoint, { cause: error })
          : new KickNetworkError(`Could not reach Kick (${options.endpoint})`, undefined, options.endpoint, {
              cause: error,
            });
      if (canRetry && policy.retryOnNetworkError) {
        await sleep(backoffMs(policy, attempt, random));
        continue;
      }
      throw failure;
    }
    const transient = policy.statusCodes.includes(answer.status) || (answer.isHtml && policy.retryOnHtmlChallenge);
    if (!canRetry || !transient) return answer;
    const retryAfter = policy.afterStatusCodes.includes(answer.status)
      ? parseRetryAfter(answer.headers.get("retry-after"))
      : undefined;
    if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) return answer;
    await sleep(retryAfter ?? backoffMs(policy, attempt, random));
  }
}

class TimeoutSignal extends Error {}

async function attemptOnce(
  doFetch: (request: Request) => Promise<Response>,
  request: Request,
  timeoutMs: number,
  userAgent: string,
  outer: AbortSignal | undefined,
): Promise<KickAnswer> {
  // A timer cleared when the call ends. AbortSignal.timeout's cannot be cleared: a refresh run
  // making 10,000 calls in one invocation held them all, and calls began to fail after ~8,600.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutSignal()), timeoutMs);
  const onOuterAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener("abort", onOuterAbort);
  try {
    // Built by us a moment ago, so its headers may still be set.
    if (!request.headers.has("user-agent")) request.headers.set("user-agent", userAgent);
    // Reading the body is inside the timeout: a stalled or dropped body is a failure too.
    const work = (async () => readBody(await doFetch(new Request(request, { signal: controller.signal }))))();
    // If the timeout wins, the abandoned attempt's rejection is expected and handled here.
    work.catch(() => undefined);
    const timeout = new Promise<never>((_, reject) => {
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
    });
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", onOuterAbort);
  }
}
