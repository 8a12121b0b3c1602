import {
  KickBadRequestError,
  KickError,
  KickMissingScopeError,
  KickNetworkError,
  KickNotFoundError,
  KickRateLimitedError,
  KickTimeoutError,
  KickUnauthorizedError,
  KickUpstreamError,
  KickValidationError,
} from "../kick/index";
import { NeedsReconnectError, NotConnectedError, TokenUnavailableError } from "../refresh/errors";
import type { ChatCapError, MessageTooLongError, NoBotAccountError, NotLiveError } from "../announce/errors";
import type { SyncInProgressError } from "../webhooks/errors";
import type { BodyTooLargeError } from "../http/request";
import { TriggerError } from "../http/TriggerError";

/** The refusals of shared domain code (announce, speaker, subscription sync) a trigger caller can meet. */
type Refusal =
  NotLiveError | MessageTooLongError | NoBotAccountError | ChatCapError | SyncInProgressError | BodyTooLargeError;

/**
 * What the caller sees for each, by its stable code: a status and the code it answers with; the
 * words are the error's own. No prototype: a code such as "constructor" finds nothing here.
 */
export const REFUSAL_HTTP = {
  __proto__: null,
  not_live: { status: 409, code: "not_live" },
  message_too_long: { status: 400, code: "invalid_input" },
  no_bot_account: { status: 409, code: "no_bot_account" },
  chat_cap: { status: 429, code: "chat_cap" },
  body_too_large: { status: 413, code: "body_too_large" },
  sync_in_progress: { status: 409, code: "sync_in_progress" },
} as unknown as Record<Refusal["code"], { status: number; code: string }>;

/** Any failure as what the caller should see: Kick's kinds mapped to clear codes, never a token. */
export function toTriggerError(error: unknown, reconnectUrl: string): TriggerError {
  if (error instanceof TriggerError) return error;
  // Domain refusals are known by their code alone (no Kick error uses these codes).
  const refusal = error instanceof Error && REFUSAL_HTTP[(error as Refusal).code];
  if (refusal) return new TriggerError(refusal.status, refusal.code, error.message);
  if (error instanceof KickValidationError) return new TriggerError(400, "invalid_input", error.message, error.issues);
  if (error instanceof NeedsReconnectError)
    return new TriggerError(409, "needs_reconnect", `${error.reason}. Re-connect the account at ${reconnectUrl}`, {
      reconnect_url: reconnectUrl,
    });
  if (error instanceof NotConnectedError)
    return new TriggerError(409, "not_connected", `That Kick account is not connected. Connect it at ${reconnectUrl}`, {
      reconnect_url: reconnectUrl,
    });
  if (error instanceof TokenUnavailableError)
    return retryLater(503, "token_unavailable", error.message, error.retryAfterMs);
  if (error instanceof KickMissingScopeError) {
    return new TriggerError(
      403,
      "missing_scope",
      `Kick refused: the account did not grant ${error.scope ?? "the needed permission"}. Re-connect it with that permission at ${reconnectUrl}`,
      { scope: error.scope, reconnect_url: reconnectUrl },
    );
  }
  if (error instanceof KickRateLimitedError)
    return retryLater(
      429,
      "kick_rate_limited",
      "Kick is rate-limiting this account; nothing was sent. Try again later.",
      error.retryAfterMs,
    );
  if (error instanceof KickUnauthorizedError)
    return new TriggerError(
      409,
      "needs_reconnect",
      `Kick refused the account's token even after a refresh. Re-connect it at ${reconnectUrl}`,
      { reconnect_url: reconnectUrl },
    );
  if (error instanceof KickNotFoundError) return new TriggerError(404, "kick_not_found", error.message);
  if (error instanceof KickBadRequestError) return new TriggerError(400, "kick_rejected", error.message);
  if (error instanceof KickTimeoutError || error instanceof KickNetworkError)
    return new TriggerError(
      504,
      "kick_unreachable",
      "Kick did not answer in time. The action may or may not have happened; check before retrying.",
    );
  if (error instanceof KickUpstreamError)
    return new TriggerError(
      502,
      "kick_unavailable",
      `Kick is having trouble (${error.kind}${error.status ? `, HTTP ${error.status}` : ""}); nothing was done. Try again later.`,
    );
  if (error instanceof KickError) return new TriggerError(502, "kick_error", error.message);
  return new TriggerError(500, "internal_error", "Something went wrong in kick-edge. Nothing was sent to Kick.");
}

function retryLater(status: number, code: string, message: string, retryAfterMs?: number): TriggerError {
  const seconds = Math.max(1, Math.ceil((retryAfterMs ?? 30_000) / 1000));
  return new TriggerError(status, code, message, { retry_after_seconds: seconds }, { "retry-after": String(seconds) });
}
