import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { connectChannel, launchChromium, signIn, walked } from "./inChromium";
import { E2E_ADMIN_SECRET } from "./globalSetup";

const oauth = inject("oauthUrl");
const emulator = inject("emulatorUrl");
const automations = inject("automationsUrl");

// The control room's pages as a streamer meets them: reached from the connect page, drawn by
// the control room Worker behind it, every form used once and once refused.

/** A channel of the emulator's that the other browser tests leave alone (viewer_carol's). */
const CHANNEL = 2003;

let browser: Browser;
/** The channel's first key, shown once when it is first connected: the activity page shows its calls. */
let key = "";
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** Signed in, with the channel connected (a run cut short may have left it so). */
async function signedInWithChannel(page: Page) {
  await signIn(page, oauth, E2E_ADMIN_SECRET);
  await connectChannel(page, { oauth, emulator }, CHANNEL);
  if (await page.locator("#key").count()) key = await page.inputValue("#key");
}

it("the live preview follows what is typed, under the pages' own CSP (no bypass)", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const refused: string[] = [];
  page.on("console", (m) => m.type() === "error" && refused.push(m.text()));
  await signedInWithChannel(page);
  await page.click('nav.sub a:has-text("Go-live announcement")');
  await page.fill("#template", "Live now: {title} at {url}");
  await page.waitForFunction(() => document.querySelector("#preview")?.textContent?.startsWith("Live now: "));
  expect(await page.textContent("#preview")).toMatch(/^Live now: .+ at https:\/\/kick\.com\//);
  expect(refused.filter((t) => /Content Security Policy/i.test(t))).toEqual([]);
  await context.close();
});

it.each([1280, 390])(
  "every control-room page works at %i px: no sideways scroll, buttons in reach, no serious axe-core finding",
  async (width) => {
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signedInWithChannel(page);
    const base = `${oauth}/accounts/${CHANNEL}`;

    await page.goto(`${base}/setup/announce`);
    await walked(page, "setup-announce", width);
    await page.fill("#template", "We're live: {nope}");
    await page.click("#save-announce");
    await page.waitForSelector("#template-error");
    await walked(page, "setup-announce-refused", width);
    await page.fill("#template", "We're live: {title} → {url}");
    await page.click("#save-announce");
    await page.waitForSelector("#notice");
    await walked(page, "setup-announce-saved", width);

    await page.goto(`${base}/setup/replies`);
    const follow = page.locator("section#channel-followed-reply");
    await follow.locator('textarea[name="template"]').fill("Welcome {months}!");
    await follow.locator("button:not(.danger)").click();
    await page.waitForSelector("#channel-followed-template-error");
    await walked(page, "setup-replies-refused", width);
    await page
      .locator('section#channel-followed-reply textarea[name="template"]')
      .fill("Thanks for the follow, {user}!");
    await page.locator("section#channel-followed-reply button:not(.danger)").click();
    await page.waitForSelector("#notice");
    await walked(page, "setup-replies", width);

    await page.goto(`${base}/setup/timers`);
    // (The browser itself stops an interval under 5, so the refusal shown is the server's, of the name.)
    await page.fill('#timer-form input[name="name"]', `socials! ${width}`);
    await page.fill('#timer-form textarea[name="message"]', "Follow on X: @demo");
    await page.fill('#timer-form input[name="interval_minutes"]', "20");
    await page.click("#save-timer");
    await page.waitForSelector("#name-error");
    await walked(page, "setup-timers-refused", width);
    await page.fill('#timer-form input[name="name"]', `socials ${width}`);
    await page.click("#save-timer");
    await page.waitForSelector("#notice");
    await walked(page, "setup-timers", width);

    await page.goto(`${base}/setup/relays`);
    await page.fill('#relay-form input[name="name"]', `zap ${width}`);
    await page.fill('#relay-form input[name="url"]', "https://10.0.0.1/hook");
    await page.click("#save-relay");
    await page.waitForSelector("#url-error");
    await walked(page, "setup-relays-refused", width);
    await page.fill('#relay-form input[name="url"]', `${emulator}/_emulator/inbox/walk-${width}`);
    await page.click("#save-relay");
    await page.waitForSelector("#secret");
    await walked(page, "setup-relay-created", width);
    await page.click(`button[aria-label="Send test to zap ${width}"]`);
    await page.waitForSelector("#notice");
    expect(await page.textContent("#notice")).toContain(`Test to “zap ${width}”`);
    await walked(page, "setup-relays", width);

    // A call that acted and one refused (a plain GET from a key not made for it), for the activity page.
    const call = (method: string) =>
      fetch(`${automations}/v1/chat`, {
        method,
        headers: { "x-api-key": key, ...(method === "POST" ? { "content-type": "application/json" } : {}) },
        body: method === "POST" ? JSON.stringify({ message: `walk at ${width}` }) : undefined,
      });
    expect((await call("POST")).status).toBe(200);
    expect((await call("GET")).status).toBe(405);
    // (Written after the answer, in waitUntil: a reload or two may come first.)
    for (let i = 0; i < 20; i++) {
      await page.goto(`${base}/activity`);
      if ((await page.locator("td", { hasText: "POST /v1/chat" }).count()) > 0) break;
      await page.waitForTimeout(250);
    }
    expect(await page.locator("td", { hasText: "POST /v1/chat" }).count()).toBeGreaterThan(0);
    expect(await page.textContent("table")).toContain("refused");
    await walked(page, "activity", width);
    await page.goto(`${base}/activity?type=trigger`);
    await walked(page, "activity-triggers", width);
    await context.close();
  },
);
