import * as z from "zod/mini";
import { describe, expect, it } from "vitest";
import {
  getAppToken,
  KickError,
  KickNetworkError,
  KickTimeoutError,
  KickUpstreamError,
  staticToken,
} from "../../../shared/kick/index";
import { createKickClient } from "../../../shared/kick/endpoints";
import { testConfig } from "../../helpers/emulator";

/** A Kick that answers every request with this (or fails as this). */
const kickAnswering = (answer: () => Promise<Response>) => testConfig({ fetch: answer, retry: { limit: 0 } });
const failureOf = (p: Promise<unknown>) => p.then(() => null).catch((e: unknown) => e as KickError);

describe("a Kick error keeps the lower failure it wraps as its cause", () => {
  it("a fetch that throws: KickNetworkError caused by the fetch's TypeError", async () => {
    const dropped = new TypeError("Network connection lost.");
    const kick = createKickClient(
      kickAnswering(() => Promise.reject(dropped)),
      staticToken("t"),
    );
    const error = await failureOf(kick.getUsers());
    expect(error).toBeInstanceOf(KickNetworkError);
    expect(error!.cause).toBe(dropped);
  });

  it("a timeout: KickTimeoutError caused by the abort", async () => {
    const kick = createKickClient(
      testConfig({ fetch: () => new Promise<Response>(() => {}), retry: { limit: 0, timeoutMs: 20 } }),
      staticToken("t"),
    );
    const error = await failureOf(kick.getUsers());
    expect(error).toBeInstanceOf(KickTimeoutError);
    expect(error!.cause).toBeInstanceOf(Error);
  });

  it("a body that is not JSON: KickUpstreamError caused by the SyntaxError", async () => {
    const kick = createKickClient(
      kickAnswering(async () => new Response('{"data": [', { headers: { "content-type": "application/json" } })),
      staticToken("t"),
    );
    const error = await failureOf(kick.getUsers());
    expect(error).toMatchObject({ name: "KickUpstreamError", kind: "unexpected_response" });
    expect(error!.cause).toBeInstanceOf(SyntaxError);
  });

  it("an answer of the wrong shape: KickUpstreamError caused by the zod error", async () => {
    const kick = createKickClient(
      kickAnswering(async () => Response.json({ data: [{ user_id: "not a number" }] })),
      staticToken("t"),
    );
    const error = await failureOf(kick.getUsers());
    expect(error).toBeInstanceOf(KickUpstreamError);
    expect(error!.cause).toBeInstanceOf(z.core.$ZodError);
  });

  it("a token answer of the wrong shape: KickUpstreamError caused by the zod error", async () => {
    const error = await failureOf(getAppToken(kickAnswering(async () => Response.json({ access_token: 42 }))));
    expect(error).toBeInstanceOf(KickUpstreamError);
    expect(error!.cause).toBeInstanceOf(z.core.$ZodError);
  });

  it("an error from Kick's own answer has no cause, and the cause is not an enumerable field", async () => {
    const kick = createKickClient(
      kickAnswering(async () => Response.json({ message: "nope" }, { status: 404 })),
      staticToken("t"),
    );
    const error = await failureOf(kick.getUsers());
    expect(error).toMatchObject({ name: "KickNotFoundError" });
    expect(error).not.toHaveProperty("cause");
    const wrapped = new KickNetworkError("x", undefined, "getUsers", { cause: new TypeError("secret-ish") });
    expect(Object.keys(wrapped)).not.toContain("cause");
    expect(JSON.stringify(wrapped)).not.toContain("secret-ish");
  });
});
