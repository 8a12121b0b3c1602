import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { connectChannel, launchChromium, signIn, walked } from "./inChromium";
import { E2E_ADMIN_SECRET } from "./globalSetup";

const oauth = inject("oauthUrl");
const emulator = inject("emulatorUrl");
const automations = inject("automationsUrl");
const webhooks = inject("webhooksUrl");

// The alerts overlay as OBS shows it: Kick (the emulator) delivers signed events to the webhooks
// Worker, and the page, polling the automations Worker with an overlay key, shows each in turn.

/** Where the overlay screenshots go (git-ignored); they keep the transparency OBS sees. */
const OVERLAY_SHOTS = "test-artifacts/overlays";
mkdirSync(OVERLAY_SHOTS, { recursive: true });

/** viewer_alice's channel, connected as a broadcaster: no other browser test touches it. */
const CHANNEL = 2001;
/** Seconds each alert stays (the page's `duration`): short, so a test sees two in turn. */
const SECONDS = 3;
/** Kick's delivery to the alert fully on screen, at most. */
const MAX_DELAY_MS = 3000;

let browser: Browser;
let overlayKey = "";

beforeAll(async () => {
  browser = await launchChromium();
  // A run cut short may have left the channel connected: its connect would then make no key.
  await fetch(`${oauth}/accounts/${CHANNEL}/disconnect`, {
    method: "POST",
    headers: { authorization: `Bearer ${E2E_ADMIN_SECRET}` },
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await signedIn(context);
  await connectChannel(page, { oauth, emulator }, CHANNEL);
  // The key the alerts page tells a streamer to make: the "OBS overlay" preset.
  await page.check('#key-form input[name="preset"][value="obs"]');
  await page.fill('#key-form input[name="name"]', "obs alerts");
  await page.click("#create-key");
  overlayKey = await page.inputValue("#key");
  expect(overlayKey).toMatch(/^ke_/);
  await context.close();
});
afterAll(() => browser?.close());

async function signedIn(context: Awaited<ReturnType<Browser["newContext"]>>) {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await signIn(page, oauth, E2E_ADMIN_SECRET);
  return page;
}

/** Kick delivering one signed event to the webhooks Worker, as the emulator signs them. */
async function kickSends(type: string, overrides: Record<string, unknown>) {
  const answer = await fetch(`${emulator}/_emulator/webhooks`, {
    method: "POST",
    body: JSON.stringify({ type, broadcaster_user_id: CHANNEL, overrides, to: `${webhooks}/kick` }),
  });
  expect(((await answer.json()) as { delivered: unknown }).delivered).toEqual({ status: 200 });
}

/** What the alert box did, with the page's clock: each time it appeared, finished coming in, or left. */
interface Seen {
  t: number;
  what: "shown" | "in" | "leaving" | "gone";
  id: string;
  text: string;
}

/** The overlay at an OBS source's size, opened and past its first poll, its alert box watched. */
async function overlay(width: number, height: number) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const hosts = new Set<string>();
  context.on("request", (r) => hosts.add(new URL(r.url()).host));
  await page.goto(`${automations}/overlay/alerts?key=${overlayKey}&duration=${SECONDS}`);
  // The first poll has told it where "now" is: older alerts are not replayed.
  await page.waitForSelector("body[data-after]");
  await page.evaluate(() => {
    const box = document.getElementById("alert")!;
    const seen: Seen[] = [];
    (window as unknown as { seen: Seen[] }).seen = seen;
    const note = (what: Seen["what"]) =>
      seen.push({ t: Date.now(), what, id: box.dataset.id ?? "", text: box.innerText.replace(/\s+/g, " ").trim() });
    new MutationObserver(() => note(box.hidden ? "gone" : box.classList.contains("in") ? "shown" : "leaving")).observe(
      box,
      { attributes: true, attributeFilter: ["hidden", "class"] },
    );
    box.addEventListener("animationend", () => box.classList.contains("in") && note("in"));
  });
  return { context, page, hosts };
}

const seenOn = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen[] }).seen);

/** The box where it is drawn, its headline's size, and whether anything spills past the source. */
const layoutOf = (page: Page) =>
  page.evaluate(() => {
    const box = document.getElementById("alert")!.getBoundingClientRect();
    return {
      inside: box.left >= 0 && box.top >= 0 && box.right <= innerWidth && box.bottom <= innerHeight,
      headlinePx: parseFloat(getComputedStyle(document.getElementById("headline")!).fontSize),
      scroll: [document.documentElement.scrollWidth - innerWidth, document.documentElement.scrollHeight - innerHeight],
      backgrounds: [
        getComputedStyle(document.documentElement).backgroundColor,
        getComputedStyle(document.body).backgroundColor,
      ],
    };
  });

it.each([
  [
    800,
    600,
    ["channel.followed", { follower: { user_id: 2002, username: "viewer_bob" } }, "viewer_bob followed!"],
    ["kicks.gifted", { sender: { user_id: 2003, username: "viewer_carol" } }, "viewer_carol sent 100 KICKs! let's go"],
  ],
  [
    1920,
    1080,
    [
      "channel.subscription.gifts",
      { gifter: { user_id: 2004, username: "viewer_dave" } },
      "viewer_dave gifted 2 subs!",
    ],
    [
      "channel.reward.redemption.updated",
      { redeemer: { user_id: 2002, username: "viewer_bob" }, user_input: "play the boss theme" },
      "viewer_bob redeemed Hydrate!! play the boss theme",
    ],
  ],
] as const)(
  "at %i×%i, two events fired together show within 3 s of Kick's delivery, one after the other, asking only the Worker",
  async (width, height, first, second) => {
    const { context, page, hosts } = await overlay(width, height);
    const sentAt = Date.now();
    await kickSends(first[0], first[1]);
    // Kick has its 200: the event is recorded, and the alert is written in the work after the answer.
    const answeredAt = Date.now();
    await kickSends(second[0], second[1]);

    await page.waitForFunction(() => (window as unknown as { seen: Seen[] }).seen.some((s) => s.what === "in"));
    const shot = `${OVERLAY_SHOTS}/alerts-${width}.png`;
    await page.screenshot({ path: shot, omitBackground: true });
    const layout = await layoutOf(page);
    expect(layout, shot).toMatchObject({
      inside: true,
      scroll: [0, 0],
      backgrounds: ["rgba(0, 0, 0, 0)", "rgba(0, 0, 0, 0)"],
    });
    // Readable from across a stream: at least 5% of the source's height.
    expect(layout.headlinePx).toBeGreaterThanOrEqual(height * 0.05);

    await page.waitForFunction(
      () => (window as unknown as { seen: Seen[] }).seen.filter((s) => s.what === "in").length === 2,
      null,
      { timeout: (SECONDS + 5) * 1000 },
    );
    const seen = await seenOn(page);
    const [a, b] = seen.filter((s) => s.what === "shown");
    const [aIn, bIn] = seen.filter((s) => s.what === "in");
    expect([a!.text, b!.text]).toEqual([first[2], second[2]]);
    const delay = { answered_ms: answeredAt - sentAt, shown_ms: a!.t - sentAt, fully_in_ms: aIn!.t - sentAt };
    console.log(JSON.stringify({ event: "alerts_overlay_delay", width, height, ...delay }));
    expect(delay.fully_in_ms).toBeLessThan(MAX_DELAY_MS);
    // No overlap: the second came only once the first had stayed its time and left.
    const aGone = seen.find((s) => s.what === "gone" && s.t >= a!.t && s.id === a!.id);
    expect(aGone).toBeDefined();
    expect(b!.t).toBeGreaterThanOrEqual(aGone!.t);
    expect(b!.t - a!.t).toBeGreaterThanOrEqual(SECONDS * 1000);
    expect(bIn!.t).toBeGreaterThan(b!.t);
    expect([...hosts]).toEqual([new URL(automations).host]);
    await context.close();
  },
);

it("the control room's Send a sample reaches an open overlay, and its alerts page passes the page walk at 1280 and 390 px", async () => {
  const { context: obs, page: shown, hosts } = await overlay(800, 600);
  // bypassCSP: the walk's axe-core goes in as an inline script, which the pages' CSP refuses.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await signedIn(context);
  await page.goto(`${oauth}/accounts/${CHANNEL}/setup/alerts`);
  expect(await page.textContent("#overlay-url")).toBe(`${automations}/overlay/alerts?key=KEY`);
  await walked(page, "setup-alerts", 1280);
  await page.setViewportSize({ width: 390, height: 844 });
  await walked(page, "setup-alerts", 390);
  const clicked = Date.now();
  await page.click("#sample-follow");
  expect(await page.textContent("#notice")).toContain("Sample follow alert sent");
  await shown.waitForFunction(() => (window as unknown as { seen: Seen[] }).seen.some((s) => s.what === "in"));
  const [sample] = (await seenOn(shown)).filter((s) => s.what === "shown");
  expect(sample!.text).toBe("sample_viewer followed!");
  expect(sample!.t - clicked).toBeLessThan(MAX_DELAY_MS);
  expect(await page.locator("table").last().textContent()).toContain("follow: sample_viewer");
  expect([...hosts]).toEqual([new URL(automations).host]);
  await Promise.all([obs.close(), context.close()]);
});
