import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { accounts, automationKeys } from "../../shared/storage/accountsStore";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { Browser, kickControl, OAUTH } from "./adminBrowser";
import { submit } from "../controlRoom/roomBrowser";

const E = env as unknown as Cloudflare.OauthEnv;
const CHANNEL = 1001;

/** The events Kick (the emulator) would deliver for a channel, sorted. */
const subscribed = async (channel = CHANNEL) =>
  (await kickControl<{ event: string; broadcaster_user_id: number }[]>("GET", "/subscriptions"))
    .filter((s) => s.broadcaster_user_id === channel)
    .map((s) => s.event)
    .sort();

/** What the webhooks Worker (beside the oauth Worker, same D1) took in. */
const received = async () =>
  (
    await E.DB.prepare("SELECT type, broadcaster_user_id FROM webhook_events ORDER BY received_at").all<{
      type: string;
      broadcaster_user_id: number;
    }>()
  ).results;

let browser: Browser;
beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  // The emulator delivers to the webhooks Worker that runs beside this one, as npm start's does.
  await kickControl("PATCH", "/settings", { webhook_url: "http://127.0.0.1:8789/kick" });
  browser = new Browser();
  await browser.login();
});

async function connect() {
  const { callbackUrl } = await browser.connectThroughKick();
  const landed = await browser.get(callbackUrl!);
  expect(landed.status).toBe(200);
  return landed.text();
}

describe("connecting a channel subscribes it to its events at once", () => {
  it("so KICKs gifted right after connecting reach the webhooks Worker, which accepts them", async () => {
    expect(await subscribed()).toEqual([]);
    await connect();
    // The default connect asks for kicks:read, so the leaderboard's event is wanted.
    expect(await subscribed()).toEqual(["kicks.gifted"]);
    const gift = await kickControl<{ webhooks: number[] }>("POST", "/kicks", {
      broadcaster_user_id: CHANNEL,
      user_id: 2001,
      amount: 100,
    });
    expect(gift.webhooks).toEqual([200]);
    expect(await received()).toEqual([{ type: "kicks.gifted", broadcaster_user_id: CHANNEL }]);
  });

  it("so going live fires the webhook at once once the announcement is on (a re-connect subscribes it too)", async () => {
    await connect();
    const page = await (await browser.get(`${OAUTH}/accounts/${CHANNEL}/setup/announce`)).text();
    const saved = await submit(browser, page, 'id="announce-form"', [
      ["template", "Live now: {title}"],
      ["auto", "true"],
    ]);
    expect(saved.status).toBe(303);
    expect(await connect()).toContain("Re-connected demo_streamer");
    expect(await subscribed()).toEqual(["kicks.gifted", "livestream.status.updated"]);

    const live = await kickControl<{ webhooks: number[] }>("PATCH", `/channels/${CHANNEL}`, {
      is_live: true,
      stream_title: "Speedruns",
    });
    expect(live.webhooks).toEqual([200]);
    expect(await received()).toEqual([{ type: "livestream.status.updated", broadcaster_user_id: CHANNEL }]);
    // The webhooks Worker answered first and announces after: the chat gets it within moments.
    await vi.waitFor(
      async () => {
        const { chat } = await kickControl<{ chat: { content: string }[] }>("GET", "/state");
        expect(chat.map((m) => m.content)).toContain("Live now: Speedruns");
      },
      { timeout: 5000, interval: 100 },
    );
  });

  it("never subscribes twice: a re-connect keeps the one subscription per event", async () => {
    await connect();
    await connect();
    expect(await subscribed()).toEqual(["kicks.gifted"]);
  });

  it("still connects when Kick refuses the subscriptions: the account and its key are kept for the cron to retry", async () => {
    await kickControl("POST", "/faults", {
      method: "POST",
      path: "/public/v1/events/subscriptions",
      status: 503,
      times: 20,
    });
    const html = await connect();
    expect(html).not.toContain("Something went wrong");
    expect(await accounts.get(E.DB, CHANNEL)).toMatchObject({ role: "broadcaster", needsReconnect: false });
    expect(await automationKeys.list(E.DB, CHANNEL)).toHaveLength(1);
    expect(await subscribed()).toEqual([]);
  });

  it("subscribes nothing for a bot account, whose channel is not the one it chats in", async () => {
    await connect();
    const before = await kickControl<unknown[]>("GET", "/subscriptions");
    const { callbackUrl } = await browser.connectBotThroughKick(CHANNEL, 1002);
    expect((await browser.get(callbackUrl)).status).toBe(200);
    expect(await accounts.get(E.DB, 1002)).toMatchObject({ role: "bot" });
    expect(await kickControl<unknown[]>("GET", "/subscriptions")).toEqual(before);
  });
});
