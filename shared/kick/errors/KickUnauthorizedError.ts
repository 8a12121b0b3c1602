import { KickError } from "./KickError";

/** The token was missing, expired or revoked (401), even after one fresh token was tried. */
export class KickUnauthorizedError extends KickError {
  override name = "KickUnauthorizedError";
  override readonly code: string = "unauthorized";
}
