// Every way a call to Kick fails, one class per kind (callers branch on the class, or on its
// stable `code`); each Worker maps them to what its callers see at its edge (toTriggerError).
import type { FieldIssue } from "../validation/describeIssues";
import { issuesText } from "../validation/checkInput";

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

/** Kick refused the request as invalid (400/422); `message` carries Kick's own words. */
export class KickBadRequestError extends KickError {
  override name = "KickBadRequestError";
  override readonly code: string = "bad_request";
}

/** The token was missing, expired or revoked (401), even after one fresh token was tried. */
export class KickUnauthorizedError extends KickError {
  override name = "KickUnauthorizedError";
  override readonly code: string = "unauthorized";
}

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

/** The thing asked for does not exist at Kick (404). */
export class KickNotFoundError extends KickError {
  override name = "KickNotFoundError";
  override readonly code: string = "not_found";
}

/** Kick answered 429. `retryAfterMs` is Kick's `Retry-After` when it sent one. */
export class KickRateLimitedError extends KickError {
  override name = "KickRateLimitedError";
  override readonly code: string = "rate_limited";
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    status?: number,
    endpoint?: string,
    options?: KickErrorOptions,
  ) {
    super(message, status, endpoint, options);
  }
}

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

/** No usable answer: the connection failed or dropped before a whole response arrived. */
export class KickNetworkError extends KickError {
  override name = "KickNetworkError";
  override readonly code: string = "network_error";
}

/** Kick did not answer within the client's per-request timeout. */
export class KickTimeoutError extends KickError {
  override name = "KickTimeoutError";
  override readonly code: string = "timeout";
  constructor(
    readonly timeoutMs: number,
    endpoint?: string,
    options?: KickErrorOptions,
  ) {
    super(`Kick did not answer within ${timeoutMs} ms`, undefined, endpoint, options);
  }
}

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

/**
 * The code or refresh token is invalid, expired, revoked or already used. Never retry:
 * the account needs re-connecting.
 */
export class KickInvalidGrantError extends KickOAuthError {
  override name = "KickInvalidGrantError";
  override readonly code: string = "invalid_grant";
}

export type { FieldIssue };

/** The input broke one of Kick's documented limits; nothing was sent. */
export class KickValidationError extends KickError {
  override name = "KickValidationError";
  override readonly code: string = "invalid_input";
  constructor(
    readonly issues: FieldIssue[],
    endpoint?: string,
    options?: KickErrorOptions,
  ) {
    super(issuesText(issues), undefined, endpoint, options);
  }
}
