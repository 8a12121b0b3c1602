import type { WebhooksEnv } from "../../functions/webhooks/settings";
import { createExecutionContext, env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { LiveStreams } from "../../functions/webhooks/index";
import { kickControl } from "../helpers/browser";
import { connectedAccount } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";

const E = env as unknown as WebhooksEnv;
/** The entrypoint as the control room's LIVE_STREAMS binding reaches it. */
const current = (accountId: number) => new LiveStreams(createExecutionContext(), E).current(accountId);

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  await connectedAccount(E, 1001, 90 * 60_000);
});

describe("LiveStreams, the control room's window on the live stream", () => {
  it("answers with the stream's facts and nothing else: no token crosses", async () => {
    await kickControl("PATCH", "/channels/1001", { is_live: true, stream_title: "Speedruns", viewer_count: 12 });
    const answer = await current(1001);
    expect(answer).toEqual({
      ok: true,
      stream: {
        title: "Speedruns",
        category: expect.any(String),
        viewers: 12,
        url: "https://kick.com/demo_streamer",
        started_at: expect.any(String),
        channel: "demo_streamer",
      },
    });
    const { access_tokens, refresh_tokens } = await kickControl<{ access_tokens: string[]; refresh_tokens: string[] }>(
      "GET",
      "/tokens?user_id=1001",
    );
    const sent = JSON.stringify(answer);
    for (const token of [...access_tokens, ...refresh_tokens]) expect(sent).not.toContain(token);
  });

  it("answers null while the channel is offline", async () => {
    expect(await current(1001)).toEqual({ ok: true, stream: null });
  });

  it("answers a code, not an error, when it cannot ask Kick", async () => {
    expect(await current(4242)).toEqual({ ok: false, code: "not_connected" });
    await kickControl("POST", "/faults", {
      method: "GET",
      path: "/public/v1/users/livestreams",
      status: 503,
      times: 10,
    });
    expect(await current(1001)).toEqual({ ok: false, code: "kick_unavailable" });
  });
});
