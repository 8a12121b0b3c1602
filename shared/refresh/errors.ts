/** The account's refresh token is dead (invalid_grant): only the user can fix it, by re-connecting. */
export class NeedsReconnectError extends Error {
  override name = "NeedsReconnectError";
  readonly code = "needs_reconnect";
  constructor(
    readonly accountId: number,
    readonly reason: string,
  ) {
    super(`Kick account ${accountId} needs re-connecting: ${reason}`);
  }
}

/** No token could be had right now (Kick busy or down, or a refresh by another worker did not finish in time). */
export class TokenUnavailableError extends Error {
  override name = "TokenUnavailableError";
  readonly code = "token_unavailable";
  constructor(
    readonly accountId: number,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** No Kick account with this id is connected. */
export class NotConnectedError extends Error {
  override name = "NotConnectedError";
  readonly code = "not_connected";
  constructor(readonly accountId: number) {
    super(`Kick account ${accountId} is not connected`);
  }
}

/**
 * A coordinated refresh's result as it crosses a service binding (RPC keeps an error's message,
 * not its class): ok, or the refusal to rebuild on the other side.
 */
export type RefreshAnswer =
  | { ok: true }
  | { ok: false; code: "needs_reconnect"; reason: string }
  | { ok: false; code: "not_connected" }
  | { ok: false; code: "token_unavailable"; message: string; retryAfterMs?: number };

/** The answer for a refresh that threw: a known refusal, or the error itself (a bug) rethrown. */
export function answerOf(error: unknown): RefreshAnswer {
  if (error instanceof NeedsReconnectError) return { ok: false, code: error.code, reason: error.reason };
  if (error instanceof NotConnectedError) return { ok: false, code: error.code };
  if (error instanceof TokenUnavailableError)
    return { ok: false, code: error.code, message: error.message, retryAfterMs: error.retryAfterMs };
  throw error;
}

/** The refusal an answer carries, as the error it was. */
export function refusalOf(accountId: number, answer: Exclude<RefreshAnswer, { ok: true }>): Error {
  if (answer.code === "needs_reconnect") return new NeedsReconnectError(accountId, answer.reason);
  if (answer.code === "not_connected") return new NotConnectedError(accountId);
  return new TokenUnavailableError(accountId, answer.message, answer.retryAfterMs);
}
