import { KickError } from "./KickError";

/** No usable answer: the connection failed or dropped before a whole response arrived. */
export class KickNetworkError extends KickError {
  override name = "KickNetworkError";
  override readonly code: string = "network_error";
}
