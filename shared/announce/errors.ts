// Why a go-live announcement (or a post as the bot) was not made. Each class has a stable
// `code`; the Worker that called decides what its caller sees (automations: toTriggerError).

/** The channel is not live and the caller did not send force=true. */
export class NotLiveError extends Error {
  override name = "NotLiveError";
  readonly code = "not_live";
  constructor() {
    super("The channel is not live, so nothing was announced. Send force=true to post anyway.");
  }
}

/** The template, filled in, is longer than Kick lets a chat message be. */
export class MessageTooLongError extends Error {
  override name = "MessageTooLongError";
  readonly code = "message_too_long";
  constructor(length: number, max: number) {
    super(`The filled-in message is ${length} characters; Kick allows ${max}.`);
  }
}

/** as=bot was asked for, but no bot account is linked to this channel. */
export class NoBotAccountError extends Error {
  override name = "NoBotAccountError";
  readonly code = "no_bot_account";
  constructor() {
    super(
      "No bot account is linked to this channel. Connect one from the channel's page on the connect page, or leave out as=bot.",
    );
  }
}

/** The channel already had its chat posts for this minute (CHAT_LIMITER), from whatever source. */
export class ChatCapError extends Error {
  override name = "ChatCapError";
  readonly code = "chat_cap";
  constructor() {
    super("This channel has had all the chat posts it may have this minute (a cap against floods); wait a minute.");
  }
}
