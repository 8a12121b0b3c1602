import { KickOAuthError } from "./KickOAuthError";

/**
 * The code or refresh token is invalid, expired, revoked or already used. Never retry:
 * the account needs re-connecting.
 */
export class KickInvalidGrantError extends KickOAuthError {
  override name = "KickInvalidGrantError";
  override readonly code: string = "invalid_grant";
}
