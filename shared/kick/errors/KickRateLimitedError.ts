import { KickError, type KickErrorOptions } from "./KickError";

/** Kick answered 429. `retryAfterMs` is Kick's `Retry-After` when it sent one. */
export class KickRateLimitedError extends KickError {
  override name = "KickRateLimitedError";
  override readonly code: string = "rate_limited";
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    status?: number,
    endpoint?: string,
    options?: KickErrorOptions,
  ) {
    super(message, status, endpoint, options);
  }
}
