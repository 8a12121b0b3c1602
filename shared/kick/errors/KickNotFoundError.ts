import { KickError } from "./KickError";

/** The thing asked for does not exist at Kick (404). */
export class KickNotFoundError extends KickError {
  override name = "KickNotFoundError";
  override readonly code: string = "not_found";
}
