import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { E2E_ADMIN_SECRET } from "./globalSetup";
import { launchChromium, walked } from "./inChromium";

const oauth = inject("oauthUrl");
const emulator = inject("emulatorUrl");
const automations = inject("automationsUrl");

// The emulator's channel page as a streamer uses it: their channel connected with a go-live
// announcement and a reply to each event, every button pressed once, and each automation seen
// answering in the chat, with no JSON read.

/** A channel the other browser tests never connect (viewer_dave's; others only gift from it). */
const CHANNEL = 2004;
const PAGE = `${emulator}/channel/viewer_dave`;

const REPLIES = {
  "channel.followed": "Thanks for the follow, {user}!",
  "channel.subscription.new": "Welcome to the club, {user}!",
  "channel.subscription.gifts": "{user} gifted {count} subs!",
  "kicks.gifted": "{user} sent {amount} KICKs!",
  "channel.reward.redemption.updated": "{user} redeemed {reward}: {input}",
};

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
  // Connected as a streamer does it: signed in, Kick's consent page, the key shown once.
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${oauth}/`);
  await page.fill('input[name="passphrase"]', E2E_ADMIN_SECRET);
  await page.click("#login");
  await page.click("#connect");
  await page.waitForURL(`${emulator}/oauth/authorize**`);
  await page.selectOption("#user", String(CHANNEL));
  await page.click("#approve");
  await page.waitForURL(`${oauth}/accounts/${CHANNEL}**`);
  const key = await page.inputValue("#key");
  await context.close();

  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${automations}${path}`, {
      method,
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBe(200);
  };
  await call("POST", "/v1/announce/rule", { template: "We're live: {title} ({category})" });
  for (const [event, template] of Object.entries(REPLIES))
    await call("POST", "/v1/events/replies", { event, template });
  await call("POST", "/v1/rewards", { title: "Stretch", cost: 50 });
  await call("POST", "/v1/events/subscriptions/sync", {});
  await fetch(`${emulator}/_emulator/channels/${CHANNEL}`, {
    method: "PATCH",
    body: JSON.stringify({ is_live: false, stream_title: "Bob plays chess", category_id: 119 }),
  });
}, 60_000);
afterAll(() => browser?.close());

/** A chat line's words, without its time (shown in the browser's locale). */
async function words(line: ReturnType<Page["locator"]>) {
  return (await line.textContent())!.slice((await line.locator("time").textContent())!.length);
}

/** The next event line's words, once its deliveries are answered. */
async function nextEvent(page: Page, before: number) {
  const line = page.locator("#chat p.event").nth(before);
  await expect.poll(() => words(line), { timeout: 10_000 }).not.toMatch(/sending…$/);
  return words(line);
}

/** Presses a button and waits for what it did to show in the chat: the event, and the streamer's reply. */
async function press(page: Page, button: string, expected: RegExp, reply: (who: string) => string) {
  const before = await page.locator("#chat p.event").count();
  await page.click(`button[value="${button}"]`);
  const event = await nextEvent(page, before);
  const match = expected.exec(event);
  expect(match, event).not.toBeNull();
  await page.locator("#chat p.chat", { hasText: reply(match![1] ?? "") }).waitFor();
  // The reply is the streamer's own message in their chat.
  expect(
    await page
      .locator("#chat p.chat", { hasText: reply(match![1] ?? "") })
      .last()
      .locator("b")
      .textContent(),
  ).toBe("viewer_dave");
}

it("each button makes its event happen, and the automations answer in the chat, under the page's own CSP", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const hosts = new Set<string>();
  page.on("request", (r) => hosts.add(new URL(r.url()).host));
  const refused: string[] = [];
  page.on("console", (m) => m.type() === "error" && refused.push(m.text()));

  await page.goto(`${emulator}/`);
  await page.click('a[href="/channel/viewer_dave"]');
  await page.waitForURL(PAGE);
  expect(await page.textContent("#live")).toBe("Offline");
  expect(await page.textContent("#title")).toBe("Bob plays chess");
  expect(await page.textContent("#cat")).toBe("Chess");
  expect(await page.textContent("#hook")).toMatch(
    /^Events go to http:\/\/127\.0\.0\.1:\d+\/kick for: .*channel\.followed/,
  );

  await press(page, "live", /^Went live: delivered$/, () => "We're live: Bob plays chess (Chess)");
  await page.locator("#live", { hasText: /^Live$/ }).waitFor();
  expect(await page.textContent("#golive")).toBe("Go offline");

  await press(page, "follow", /^(\w+) followed: delivered$/, (who) => `Thanks for the follow, ${who}!`);
  await press(page, "subscribe", /^(\w+) subscribed: delivered$/, (who) => `Welcome to the club, ${who}!`);
  await page.fill('input[name="count"]', "2");
  await press(page, "gifts", /^(\w+) gifted 2 subs: delivered$/, (who) => `${who} gifted 2 subs!`);
  await page.fill('input[name="amount"]', "250");
  await press(page, "kicks", /^(\w+) gifted 250 KICKs: delivered$/, (who) => `${who} sent 250 KICKs!`);
  await page.fill('input[name="user_input"]', "right now");
  await press(
    page,
    "redeem",
    /^(\w+) redeemed Stretch \(“right now”\): delivered$/,
    (who) => `${who} redeemed Stretch: right now`,
  );

  // The keyboard alone: to the toggle, Enter, and the stream ends.
  const before = await page.locator("#chat p.event").count();
  await page.focus("#golive");
  await page.keyboard.press("Enter");
  expect(await nextEvent(page, before)).toBe("Went offline: delivered");
  await page.locator("#live", { hasText: /^Offline$/ }).waitFor();
  expect(await page.textContent("#golive")).toBe("Go live");

  // Nothing from any other host, and the inline script ran under the emulator's CSP.
  expect([...hosts]).toEqual([new URL(emulator).host]);
  expect(refused).toEqual([]);
  await context.close();
});

it("works without a script: a button posts its form and the page comes back showing what happened", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(PAGE);
  const before = await page.locator("#chat p.event").count();
  await page.click('button[value="follow"]');
  await page.locator("#chat p.event").nth(before).waitFor();
  expect(page.url()).toBe(PAGE);
  expect(await words(page.locator("#chat p.event").nth(before))).toMatch(/^\w+ followed: delivered$/);
  await context.close();
});

it.each([1280, 390])(
  "the page and the home page at %i px: no sideways scroll, buttons in reach, no serious axe-core finding",
  async (width) => {
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${emulator}/`);
    await walked(page, "emulator-home", width);
    await page.goto(PAGE);
    // The chat has what the tests above did, scrolled to its newest line.
    await page.locator("#chat p.chat").first().waitFor();
    await walked(page, "emulator-channel", width);
    // A live channel (the emulator's other streamer is live from the start): the state stands out.
    await page.goto(`${emulator}/channel/other_streamer`);
    expect(await page.textContent("#live")).toBe("Live");
    await walked(page, "emulator-channel-live", width);
    await context.close();
  },
);
