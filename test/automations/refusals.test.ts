import { describe, expect, it } from "vitest";
import { ChatCapError, MessageTooLongError, NoBotAccountError, NotLiveError } from "../../shared/announce/errors";
import { TriggerError } from "../../shared/http/TriggerError";
import { SyncInProgressError } from "../../shared/webhooks/errors";
import { BodyTooLargeError } from "../../shared/http/request";
import { REFUSAL_HTTP, toTriggerError } from "../../shared/actions/toTriggerError";

// Shared domain code refuses with domain errors; the automations Worker's edge says what the caller sees.

const RECONNECT = "https://connect.example/";

describe("the shared domain's refusals at the automations Worker's edge", () => {
  it.each([
    [
      new NotLiveError(),
      409,
      "not_live",
      "The channel is not live, so nothing was announced. Send force=true to post anyway.",
    ],
    [
      new MessageTooLongError(512, 500),
      400,
      "invalid_input",
      "The filled-in message is 512 characters; Kick allows 500.",
    ],
    [
      new NoBotAccountError(),
      409,
      "no_bot_account",
      "No bot account is linked to this channel. Connect one from the channel's page on the connect page, or leave out as=bot.",
    ],
    [
      new ChatCapError(),
      429,
      "chat_cap",
      "This channel has had all the chat posts it may have this minute (a cap against floods); wait a minute.",
    ],
    [
      new SyncInProgressError(),
      409,
      "sync_in_progress",
      "A subscription sync for this channel is running; try again in a minute.",
    ],
  ] as const)("%s answers as it always has", (error, status, code, message) => {
    const http = toTriggerError(error, RECONNECT);
    expect(http).toBeInstanceOf(TriggerError);
    expect(http).toMatchObject({ status, code, message, details: undefined, headers: {} });
  });

  it("the table covers every refusal's code, and only those", () => {
    const codes = [
      new NotLiveError(),
      new MessageTooLongError(2, 1),
      new NoBotAccountError(),
      new ChatCapError(),
      new SyncInProgressError(),
      new BodyTooLargeError(1),
    ];
    expect(Object.keys(REFUSAL_HTTP).sort()).toEqual(codes.map((e) => e.code).sort());
  });

  it("a refusal is not an HTTP error until the edge makes it one", () => {
    expect(new NotLiveError()).not.toBeInstanceOf(TriggerError);
    expect(toTriggerError(new Error("boom"), RECONNECT)).toMatchObject({ status: 500, code: "internal_error" });
  });
});
