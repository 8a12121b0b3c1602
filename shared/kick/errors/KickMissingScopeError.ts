import { KickError, type KickErrorOptions } from "./KickError";

/** Kick answered 403 for a call whose token lacks the scope it needs: the user must re-connect with it. */
export class KickMissingScopeError extends KickError {
  override name = "KickMissingScopeError";
  override readonly code: string = "missing_scope";
  constructor(
    message: string,
    readonly scope: string | null,
    status?: number,
    endpoint?: string,
    options?: KickErrorOptions,
  ) {
    super(message, status, endpoint, options);
  }
}
