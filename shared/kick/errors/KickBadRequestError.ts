import { KickError } from "./KickError";

/** Kick refused the request as invalid (400/422); `message` carries Kick's own words. */
export class KickBadRequestError extends KickError {
  override name = "KickBadRequestError";
  override readonly code: string = "bad_request";
}
