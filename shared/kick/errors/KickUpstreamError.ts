import { KickError, type KickErrorOptions } from "./KickError";

/**
 * Kick (or the Cloudflare in front of it) failed: a 5xx, an HTML challenge page, a WAF
 * "Request blocked by security policy" 403. `reference` is the WAF's id, worth logging.
 */
export class KickUpstreamError extends KickError {
  override name = "KickUpstreamError";
  override readonly code: string = "upstream_error";
  constructor(
    message: string,
    readonly kind: "server_error" | "html_challenge" | "blocked" | "unexpected_response",
    status?: number,
    endpoint?: string,
    readonly reference?: string,
    options?: KickErrorOptions,
  ) {
    super(message, status, endpoint, options);
  }
}
