import { beforeEach, describe, expect, it } from "vitest";
import { recentAlerts } from "../../shared/storage/alertsStore";
import { REPLY_EVENTS } from "../../shared/webhooks/replyToEvent";
import { CHANNEL, E, OAUTH, roomPage, signedInWithChannel, submit, type Browser } from "./roomBrowser";

let browser: Browser;
beforeEach(async () => {
  browser = await signedInWithChannel();
});

describe("the alerts page", () => {
  it("gives the overlay's URL for OBS, says how to make its key, and is linked from every page of the channel", async () => {
    const html = await roomPage(browser, "/setup/alerts");
    expect(html).toContain("demo_streamer's channel");
    // The automations Worker's URL (AUTOMATIONS_URL), with a place for the key, never a key.
    expect(html).toContain('<pre id="overlay-url">http://127.0.0.1:8788/overlay/alerts?key=KEY</pre>');
    expect(html).not.toMatch(/ke_[0-9a-f]{16}_/);
    expect(html).toContain("<strong>OBS overlay</strong> preset");
    expect(html).toContain(`href="/accounts/${CHANNEL}">Keys</a>`);
    expect(html).toContain("No alerts yet.");
    expect(html).toContain(`<a href="/accounts/${CHANNEL}/setup/alerts" aria-current="page">Alerts</a>`);
    expect(await roomPage(browser, "/setup/timers")).toContain(
      `<a href="/accounts/${CHANNEL}/setup/alerts">Alerts</a>`,
    );
  });

  it("Send a sample writes an alert through the webhooks Worker's store function, then redirects with a notice", async () => {
    const page = await roomPage(browser, "/setup/alerts");
    for (const type of REPLY_EVENTS) expect(page).toContain(`name="type" value="${type}"`);
    const sent = await submit(browser, page, 'value="kicks.gifted"', []);
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe(`/accounts/${CHANNEL}/setup/alerts`);
    const landed = await (await browser.landed(sent)).text();
    expect(landed).toContain("Sample KICKs alert sent");
    expect(await recentAlerts(E.DB, CHANNEL, 10)).toMatchObject([
      { type: "kicks.gifted", username: "sample_viewer", amount: 500, reward: "Hype", message: "GG!" },
    ]);
    // The latest alerts list shows it; the notice was shown once.
    expect(landed).toContain("KICKs: sample_viewer · 500 · Hype · GG!");
    expect(await roomPage(browser, "/setup/alerts")).not.toContain("Sample KICKs alert sent");
  });

  it("refuses a type it does not know, and a form without the session's CSRF token, writing nothing", async () => {
    // The session's own token: a form a person could not have made, but a signed-in one.
    const made = await browser.post(`${OAUTH}/accounts/${CHANNEL}/setup/alerts/sample`, [
      ["type", "moderation.banned"],
    ]);
    expect(await (await browser.landed(made)).text()).toContain("There is no such alert.");
    const forged = await browser.post(`${OAUTH}/accounts/${CHANNEL}/setup/alerts/sample`, [
      ["csrf", "not-the-token"],
      ["type", "channel.followed"],
    ]);
    expect(forged.status).toBe(403);
    expect(await recentAlerts(E.DB, CHANNEL, 10)).toEqual([]);
  });
});
