/**
 * Base of every failure the Kick client reports. `code` is stable for callers to branch on;
 * `message` is for people and never holds a token or secret.
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
  ) {
    super(message);
  }
}
