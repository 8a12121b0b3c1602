import { beforeEach, describe, expect, it } from "vitest";
import {
  getAppToken,
  KickError,
  KickNetworkError,
  KickTimeoutError,
  KickUpstreamError,
  staticToken,
} from "../../../shared/kick/index";
import { createKickClient } from "../../../shared/kick/endpoints";
import { control, mintUserToken, resetEmulator, testConfig } from "../../helpers/emulator";

// The emulated Kick misbehaves on cue (its fault injection); the client wraps what went wrong.
const failureOf = (p: Promise<unknown>) => p.then(() => null).catch((e: unknown) => e as KickError);
const arm = (fault: Record<string, unknown>) => control("POST", "/faults", fault);
const client = async (extra = {}) =>
  createKickClient(testConfig({ retry: { limit: 0 }, ...extra }), staticToken((await mintUserToken()).access_token));

beforeEach(() => resetEmulator());

describe("a Kick error keeps the lower failure it wraps as its cause", () => {
  it("a connection that drops mid-answer: KickNetworkError caused by the stream's error", async () => {
    const kick = await client();
    await arm({ path: "/public/v1/users", drop: "before" });
    const error = await failureOf(kick.getUsers());
    expect(error).toBeInstanceOf(KickNetworkError);
    expect(error!.cause).toBeInstanceOf(Error);
  });

  it("a timeout: KickTimeoutError caused by the abort", async () => {
    const kick = await client({ retry: { limit: 0, timeoutMs: 20 } });
    await arm({ path: "/public/v1/users", delay_ms: 500, status: 200, body: { data: [] } });
    const error = await failureOf(kick.getUsers());
    expect(error).toBeInstanceOf(KickTimeoutError);
    expect(error!.cause).toBeInstanceOf(Error);
  });

  it("a body that is not JSON: caused by a SyntaxError that quotes none of the body", async () => {
    const kick = await client();
    await arm({ path: "/public/v1/users", status: 200, raw: '{"data": [{"stream_key": "sk_live_SECRET' });
    const error = await failureOf(kick.getUsers());
    expect(error).toMatchObject({ name: "KickUpstreamError", kind: "unexpected_response" });
    expect(error!.cause).toBeInstanceOf(SyntaxError);
    expect(String(error!.cause)).not.toContain("SECRET");
  });

  it("an answer of the wrong shape: caused by which fields failed and how, not their values", async () => {
    const kick = await client();
    await arm({ path: "/public/v1/users", status: 200, body: { data: [{ user_id: "not-a-number-SECRET" }] } });
    const error = await failureOf(kick.getUsers());
    expect(error).toBeInstanceOf(KickUpstreamError);
    expect(String(error!.cause)).toMatch(/0\.user_id/);
    expect(String(error!.cause)).not.toContain("SECRET");
  });

  it("a token answer of the wrong shape: the cause never carries the token, nor a lifetime that is not one", async () => {
    await arm({ path: "/oauth/token", status: 200, body: { access_token: ["tok_SECRET_VALUE"], expires_in: 7200 } });
    const wrongType = await failureOf(getAppToken(testConfig({ retry: { limit: 0 } })));
    expect(wrongType).toBeInstanceOf(KickUpstreamError);
    expect(String(wrongType!.cause)).toMatch(/access_token/);
    expect(String(wrongType!.cause)).not.toContain("SECRET");

    await arm({
      path: "/oauth/token",
      status: 200,
      body: { access_token: "tok_SECRET_VALUE", token_type: "Bearer", expires_in: "tomorrow" },
    });
    const error = await failureOf(getAppToken(testConfig({ retry: { limit: 0 } })));
    expect(error).toBeInstanceOf(KickUpstreamError);
    expect(String(error!.cause)).toMatch(/expires_in/);
    expect(String(error!.cause)).not.toContain("SECRET");
    expect(String(error!.cause)).not.toContain("tomorrow");
  });

  it("an error from Kick's own answer has no cause, and the cause is not an enumerable field", async () => {
    const kick = await client();
    await arm({ path: "/public/v1/users", status: 404 });
    const error = await failureOf(kick.getUsers());
    expect(error).toMatchObject({ name: "KickNotFoundError" });
    expect(error).not.toHaveProperty("cause");
    const wrapped = new KickNetworkError("x", undefined, "getUsers", { cause: new TypeError("secret-ish") });
    expect(Object.keys(wrapped)).not.toContain("cause");
    expect(JSON.stringify(wrapped)).not.toContain("secret-ish");
  });
});
