/** What every Kick error may carry besides its own fields: the lower failure it wraps. */
export interface KickErrorOptions {
  /** The fetch TypeError, timeout, JSON SyntaxError or zod error behind this one (never logged). */
  cause?: unknown;
}

/**
 * Base of every failure the Kick client reports. `code` is stable for callers to branch on;
 * `message` is for people and never holds a token or secret. `cause`, when set, is the lower
 * error it wraps, for a debugger; logs never print it (shared/log.ts).
 */
export class KickError extends Error {
  override name = "KickError";
  readonly code: string = "kick_error";
  constructor(
    message: string,
    /** The HTTP status Kick answered, when there was an answer. */
    readonly status?: number,
    /** Which client call failed (an endpoint name or an OAuth step). */
    readonly endpoint?: string,
    options: KickErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}
