import { KickError, type KickErrorOptions } from "./KickError";

/** Kick did not answer within the client's per-request timeout. */
export class KickTimeoutError extends KickError {
  override name = "KickTimeoutError";
  override readonly code: string = "timeout";
  constructor(
    readonly timeoutMs: number,
    endpoint?: string,
    options?: KickErrorOptions,
  ) {
    super(`Kick did not answer within ${timeoutMs} ms`, undefined, endpoint, options);
  }
}
