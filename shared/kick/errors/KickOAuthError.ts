import { KickError, type KickErrorOptions } from "./KickError";

/** The OAuth token endpoint refused (`{error, error_description}`): invalid_client, invalid_request, ... */
export class KickOAuthError extends KickError {
  override name = "KickOAuthError";
  override readonly code: string = "oauth_error";
  constructor(
    message: string,
    /** The OAuth `error` value, e.g. `invalid_client`. */
    readonly oauthError: string,
    status?: number,
    endpoint?: string,
    options?: KickErrorOptions,
  ) {
    super(message, status, endpoint, options);
  }
}
