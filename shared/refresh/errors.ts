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
