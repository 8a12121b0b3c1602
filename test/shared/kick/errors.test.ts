import { beforeEach, describe, expect, it } from "vitest";
import {
  KickBadRequestError,
  KickMissingScopeError,
  KickNetworkError,
  KickNotFoundError,
  KickRateLimitedError,
  KickTimeoutError,
  KickUnauthorizedError,
  KickUpstreamError,
  staticToken,
} from "../../../shared/kick/index";
import { createKickClient } from "../../../shared/kick/endpoints";
import {
  control,
  DEMO_BROADCASTER,
  mintUserToken,
  requestsSeen,
  resetEmulator,
  testConfig,
} from "../../helpers/emulator";
import { userClient } from "../../helpers/kickClient";

beforeEach(resetEmulator);

const chat = { type: "user" as const, broadcaster_user_id: DEMO_BROADCASTER, content: "hello" };
const noRetry = { retry: { limit: 0 } };

describe("each kind of failure has its own error class", () => {
  it("400: Kick's own message comes through", async () => {
    const { kick } = await userClient();
    const error = await kick.sendChat({ ...chat, reply_to_message_id: crypto.randomUUID() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KickBadRequestError);
    expect(error).toMatchObject({ status: 400, code: "bad_request", endpoint: "sendChat" });
    expect((error as Error).message).toContain("reply_to_message_id: message not found");
  });

  it("401: an expired token", async () => {
    const { kick } = await userClient();
    await control("POST", "/clock", { advance_seconds: 7201 });
    await expect(kick.getUsers()).rejects.toBeInstanceOf(KickUnauthorizedError);
  });

  it("403: a missing scope says which one", async () => {
    const { kick } = await userClient(["user:read"]);
    const error = await kick.sendChat(chat).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KickMissingScopeError);
    expect(error).toMatchObject({ scope: "chat:write", status: 403, code: "missing_scope" });
    expect((error as Error).message).toContain("needs scope chat:write");
  });

  it("403 from Kick's firewall is an upstream block with its reference, not a scope problem", async () => {
    const { kick } = await userClient();
    await control("POST", "/faults", {
      path: "/public/v1/users",
      status: 403,
      body: { error: "Request blocked by security policy.", reference: "ref-123" },
    });
    const error = await createKickClient(testConfig(noRetry), staticToken((await mintUserToken()).access_token))
      .getUsers()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KickUpstreamError);
    expect(error).toMatchObject({ kind: "blocked", reference: "ref-123" });
    void kick;
  });

  it("404: a message that does not exist", async () => {
    const { kick } = await userClient();
    await expect(kick.deleteChat({ message_id: crypto.randomUUID() })).rejects.toBeInstanceOf(KickNotFoundError);
  });

  it("429: rate limited, with Retry-After, and the chat POST is not retried", async () => {
    const { kick } = await userClient();
    await control("PATCH", "/settings", { chat_rate_max: 2, chat_rate_window: 30 });
    await kick.sendChat(chat);
    await kick.sendChat(chat);
    await control("DELETE", "/requests");
    const error = await kick.sendChat(chat).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KickRateLimitedError);
    expect((error as KickRateLimitedError).retryAfterMs).toBe(30_000);
    expect(await requestsSeen()).toHaveLength(1);
  });

  it("5xx: an upstream server error", async () => {
    await control("POST", "/faults", { path: "/public/v1/users", status: 502 });
    const kick = createKickClient(testConfig(noRetry), staticToken((await mintUserToken()).access_token));
    await expect(kick.getUsers()).rejects.toMatchObject({
      name: "KickUpstreamError",
      kind: "server_error",
      status: 502,
    });
  });

  it("an HTML challenge page never becomes a JSON parse crash", async () => {
    await control("POST", "/faults", { path: "/public/v1/channels", status: 403, html: true });
    const kick = createKickClient(testConfig(noRetry), staticToken((await mintUserToken()).access_token));
    await expect(kick.getChannels()).rejects.toMatchObject({
      name: "KickUpstreamError",
      kind: "html_challenge",
      status: 403,
    });
  });

  it("a 200 HTML page where JSON was expected is an upstream error too", async () => {
    await control("POST", "/faults", { path: "/public/v1/users", status: 200, html: true });
    const kick = createKickClient(testConfig(noRetry), staticToken((await mintUserToken()).access_token));
    await expect(kick.getUsers()).rejects.toMatchObject({ name: "KickUpstreamError", kind: "html_challenge" });
  });

  it("an answer that is not Kick's shape is reported, not passed on", async () => {
    await control("POST", "/faults", {
      path: "/public/v1/users",
      status: 200,
      body: { data: [{ user_id: "not a number" }] },
    });
    const kick = createKickClient(testConfig(noRetry), staticToken((await mintUserToken()).access_token));
    await expect(kick.getUsers()).rejects.toMatchObject({ name: "KickUpstreamError", kind: "unexpected_response" });
  });

  it("a dropped connection is a network error", async () => {
    await control("POST", "/faults", { path: "/public/v1/users", drop: "before" });
    const kick = createKickClient(testConfig(noRetry), staticToken((await mintUserToken()).access_token));
    await expect(kick.getUsers()).rejects.toBeInstanceOf(KickNetworkError);
  });

  it("a slow answer is a timeout", async () => {
    await control("POST", "/faults", { path: "/public/v1/users", delay_ms: 300 });
    const kick = createKickClient(
      testConfig({ retry: { limit: 0, timeoutMs: 50 } }),
      staticToken((await mintUserToken()).access_token),
    );
    const error = await kick.getUsers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KickTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 50 });
  });

  it("no error message carries the token", async () => {
    const { tokens } = await userClient(["user:read"]);
    const kick = createKickClient(testConfig(noRetry), staticToken(tokens.access_token));
    await control("POST", "/faults", { path: "/public/v1/users", status: 500 });
    const errors = await Promise.all(
      [kick.getUsers(), kick.sendChat(chat), kick.getUsers()].map((p) => p.catch((e: unknown) => e)),
    );
    for (const error of errors)
      expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(
        tokens.access_token,
      );
  });
});

describe("the token source hook", () => {
  it("on a 401 asks once for a fresh token and retries with it", async () => {
    const stale = await mintUserToken();
    const fresh = await mintUserToken();
    await control("POST", "/clock", { advance_seconds: 0 });
    const rejected: string[] = [];
    let current = stale.access_token;
    const kick = createKickClient(testConfig(), {
      getToken: async () => current,
      refresh: async (old) => {
        rejected.push(old);
        current = fresh.access_token;
        return current;
      },
    });
    // Revoke the first token so Kick answers 401 to it.
    const { revokeToken } = await import("../../../shared/kick/index");
    await revokeToken(testConfig(), stale.access_token, "access_token");
    const [me] = await kick.getUsers();
    expect(me!.user_id).toBe(DEMO_BROADCASTER);
    expect(rejected).toEqual([stale.access_token]);
  });

  it("gives up with Unauthorized when the fresh token is refused too", async () => {
    let calls = 0;
    const kick = createKickClient(testConfig(), {
      getToken: async () => "bogus",
      refresh: async () => (calls++, "still-bogus"),
    });
    await expect(kick.getUsers()).rejects.toBeInstanceOf(KickUnauthorizedError);
    expect(calls).toBe(1);
  });
});
