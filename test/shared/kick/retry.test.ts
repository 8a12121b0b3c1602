import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY, KickRateLimitedError, KickUpstreamError, staticToken } from "../../../shared/kick/index";
import { createKickClient } from "../../../shared/kick/endpoints";
import { parseRetryAfter } from "../../../shared/kick/retryPolicy";
import {
  control,
  DEMO_BROADCASTER,
  mintUserToken,
  recordingSleep,
  requestsSeen,
  resetEmulator,
  testConfig,
} from "../../helpers/emulator";

beforeEach(async () => {
  await resetEmulator();
});

async function client(extra = {}) {
  const clock = recordingSleep();
  const kick = createKickClient(
    testConfig({ sleep: clock.sleep, ...extra }),
    staticToken((await mintUserToken()).access_token),
  );
  await control("DELETE", "/requests");
  return { kick, waits: clock.waits };
}

const seen = async (path: string) => (await requestsSeen()).filter((r) => r.path === path).map((r) => r.status);

describe("retry policy", () => {
  it("honours Retry-After on 429 and then succeeds", async () => {
    const { kick, waits } = await client();
    await control("POST", "/faults", { path: "/public/v1/users", status: 429, retry_after: "2", times: 2 });
    const [me] = await kick.getUsers();
    expect(me!.user_id).toBe(DEMO_BROADCASTER);
    expect(waits).toEqual([2000, 2000]);
    expect(await seen("/public/v1/users")).toEqual([429, 429, 200]);
  });

  it("reads Retry-After as an HTTP date too", () => {
    const now = Date.parse("2026-11-25T10:00:00Z");
    expect(parseRetryAfter("Wed, 25 Nov 2026 10:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("backs off exponentially with full jitter on 5xx", async () => {
    const { kick, waits } = await client({ random: () => 0.5 });
    await control("POST", "/faults", { path: "/public/v1/channels", status: 500, times: 2 });
    await kick.getChannels();
    // random 0.5 × min(4000, 300 × 2^attempt)
    expect(waits).toEqual([150, 300]);
  });

  it("stops after the limit and reports the last failure", async () => {
    const { kick, waits } = await client();
    await control("POST", "/faults", { path: "/public/v1/users", status: 503, times: 5 });
    await expect(kick.getUsers()).rejects.toBeInstanceOf(KickUpstreamError);
    expect(waits).toHaveLength(DEFAULT_RETRY_POLICY.limit);
    expect(await seen("/public/v1/users")).toEqual([503, 503, 503]);
  });

  it("does not wait out a Retry-After longer than the policy allows", async () => {
    const { kick, waits } = await client();
    await control("POST", "/faults", { path: "/public/v1/users", status: 429, retry_after: "3600" });
    const error = await kick.getUsers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KickRateLimitedError);
    expect((error as KickRateLimitedError).retryAfterMs).toBe(3_600_000);
    expect(waits).toEqual([]);
  });

  it("retries an HTML challenge and a dropped connection on a GET", async () => {
    const { kick, waits } = await client();
    await control("POST", "/faults", { path: "/public/v1/users", status: 403, html: true });
    await control("POST", "/faults", { path: "/public/v1/users", drop: "before" });
    await expect(kick.getUsers()).resolves.toHaveLength(1);
    expect(waits).toHaveLength(2);
  });

  it("never retries a POST that may have reached Kick: chat is sent at most once", async () => {
    const { kick, waits } = await client();
    await control("POST", "/faults", { method: "POST", path: "/public/v1/chat", drop: "after" });
    await expect(
      kick.sendChat({ type: "user", broadcaster_user_id: DEMO_BROADCASTER, content: "once" }),
    ).rejects.toMatchObject({ name: "KickNetworkError" });
    expect(waits).toEqual([]);
    // The emulator did send it before the answer was lost: exactly one message, as Kick would have.
    const { chat } = await control<{ chat: { content: string }[] }>("GET", "/state");
    expect(chat.map((m) => m.content)).toEqual(["once"]);
  });

  it("never retries a POST on 503 either", async () => {
    const { kick, waits } = await client();
    await control("POST", "/faults", { method: "POST", path: "/public/v1/chat", status: 503, retry_after: "1" });
    await expect(
      kick.sendChat({ type: "user", broadcaster_user_id: DEMO_BROADCASTER, content: "x" }),
    ).rejects.toBeInstanceOf(KickUpstreamError);
    expect(waits).toEqual([]);
    expect(await seen("/public/v1/chat")).toEqual([503]);
  });

  it("retries idempotent DELETEs", async () => {
    const { kick, waits } = await client();
    await control("POST", "/faults", { method: "DELETE", path: "/public/v1/moderation/bans", status: 502 });
    await kick.ban({ broadcaster_user_id: DEMO_BROADCASTER, user_id: 2001 });
    await kick.unban({ broadcaster_user_id: DEMO_BROADCASTER, user_id: 2001 });
    expect(waits).toHaveLength(1);
  });
});
