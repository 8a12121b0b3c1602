import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { axeFindings, launchChromium, SHOTS } from "./inChromium";
import { E2E_ADMIN_SECRET } from "./globalSetup";

const oauth = inject("oauthUrl");
const emulator = inject("emulatorUrl");
const automations = inject("automationsUrl");

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** The control that has focus, in a few words, and whether a sighted keyboard user can see it. */
function focusOf(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { what: "(nothing)", seen: false, why: "no control has focus" };
    const input = el as HTMLInputElement;
    const what = [
      el.tagName.toLowerCase(),
      el.id ? `#${el.id}` : el.className ? `.${el.className.replace(/ /g, ".")}` : "",
      input.name ? `[name=${input.name}]` : "",
      input.type === "radio" || input.type === "checkbox" ? `[value=${input.value}]` : "",
      /^(A|BUTTON)$/.test(el.tagName) ? ` “${el.textContent?.trim()}”` : "",
    ].join("");
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1;
    const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight;
    return {
      what,
      seen: outlined && onScreen,
      why: outlined ? (onScreen ? "" : "off screen") : "no outline when focused",
    };
  });
}

/**
 * Presses `key` until the focused control matches `selector` (it may already), checking at each
 * stop that the focus can be seen. Returns the stops on the way, which tell the tab order.
 */
async function pressTo(page: Page, selector: string, key = "Tab", max = 40) {
  const stops: string[] = [];
  for (let i = 0; ; i++) {
    const focus = await focusOf(page);
    if (i > 0 || focus.what !== "(nothing)") {
      expect(focus.seen, `${focus.what}: ${focus.why} (after ${stops.join(" → ")})`).toBe(true);
      stops.push(focus.what);
    }
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return stops;
    if (i === max) throw new Error(`${key} never reached ${selector}: ${stops.join(" → ")}`);
    await page.keyboard.press(key);
  }
}

const focusedValue = (page: Page) => page.evaluate(() => (document.activeElement as HTMLInputElement).value);

/** Until no fault is armed at the emulator: other test files inject faults there, one call each. */
async function emulatorQuiet() {
  for (let i = 0; i < 60; i++) {
    const faults = (await (await fetch(`${emulator}/_emulator/faults`)).json()) as unknown[];
    if (faults.length === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

it("a streamer signs in, connects, makes a Stream Deck key and copies it with the keyboard alone", async () => {
  // A run cut short may have left other_streamer connected: its connect would then make no key.
  await fetch(`${oauth}/accounts/3001/disconnect`, {
    method: "POST",
    headers: { authorization: `Bearer ${E2E_ADMIN_SECRET}` },
  });
  // bypassCSP: axe-core goes in as an inline script, which the pages' CSP refuses.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: oauth });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);

  // Sign in: the passphrase field has focus on arrival; Tab reaches the button.
  await page.goto(`${oauth}/`);
  await pressTo(page, 'input[name="passphrase"]', "Tab", 0);
  await page.keyboard.type(E2E_ADMIN_SECRET);
  await pressTo(page, "#login");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#connect");

  // The dashboard: the first Tab offers to skip the header, and taking it the next is the page's own.
  expect(await pressTo(page, ".skip", "Tab", 1)).toEqual(["a.skip “Skip to content”"]);
  await page.keyboard.press("Enter");
  const toConnect = await pressTo(page, "#connect");
  expect(toConnect[0]).toMatch(/^(a “\w+”|input\[name=capability\])/);
  expect(toConnect).not.toContain("a “Accounts”");
  // Every capability can be reached, then "Continue to Kick".
  expect(toConnect.filter((s) => s.startsWith("input[name=capability]"))).toHaveLength(8);
  // Shift+Tab goes back the same way.
  await page.keyboard.press("Shift+Tab");
  expect((await focusOf(page)).what).toBe(toConnect.at(-2));
  await page.keyboard.press("Tab");
  await page.screenshot({ path: `${SHOTS}/keyboard-connect.png` });
  await page.keyboard.press("Enter");

  // Kick's (emulated) consent page: pick another account with the arrow keys, then Approve.
  await page.waitForURL(`${emulator}/oauth/authorize**`);
  await pressTo(page, "#user");
  for (let i = 0; (await focusedValue(page)) !== "3001"; i++) {
    if (i === 10) throw new Error("the arrow keys never reached other_streamer");
    await page.keyboard.press("ArrowDown");
  }
  await pressTo(page, "#approve");
  await emulatorQuiet();
  await page.keyboard.press("Enter");

  // Back on the new account's page, at the key shown once: Tab goes to it first, then Copy.
  await page.waitForURL(`${oauth}/accounts/3001#new-key`);
  expect(await pressTo(page, "#key", "Tab", 1)).toEqual(["input#key"]);
  expect(await focusedValue(page)).toMatch(/^ke_[0-9a-f]{16}_[\w-]{43}$/);
  await pressTo(page, "#copy", "Tab", 1);
  await page.keyboard.press("Enter");
  expect(await page.textContent("#copy")).toBe("Copied");
  // Copy selects the key too (for Ctrl+C where the clipboard is refused), which moves focus there.
  expect((await focusOf(page)).what).toBe("input#key");

  // A new key from a preset: the name, then the preset radios (one Tab stop, arrows move).
  expect(await pressTo(page, '#key-form input[name="name"]')).toEqual([
    "input#key",
    "button#copy “Copied”",
    "button#connect-bot “Connect a bot account”",
    "a.btn.danger “Revoke”",
    "input[name=name]",
  ]);
  await page.keyboard.type("deck");
  await pressTo(page, 'input[name="preset"]', "Tab", 1);
  expect((await focusOf(page)).what).toBe("input[name=preset][value=custom]");
  for (let i = 0; (await focusedValue(page)) !== "deck"; i++) {
    if (i === 5) throw new Error("the arrow keys never reached the Stream Deck preset");
    await page.keyboard.press("ArrowUp");
    const focus = await focusOf(page);
    expect(focus.seen, focus.why).toBe(true);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).checked)).toBe(true);
  }
  // A preset hides Custom's boxes, so the next stop is the button itself; Shift+Tab comes back.
  expect(await pressTo(page, "#create-key", "Tab", 1)).toEqual([
    "input[name=preset][value=deck]",
    "button#create-key “Create key”",
  ]);
  await page.keyboard.press("Shift+Tab");
  expect((await focusOf(page)).what).toBe("input[name=preset][value=deck]");
  await page.keyboard.press("Tab");
  await page.screenshot({ path: `${SHOTS}/keyboard-preset.png`, fullPage: true });
  expect(await axeFindings(page)).toEqual([]);
  await page.keyboard.press("Space");

  await page.waitForSelector("#new-key h2:has-text('deck')");
  expect(await pressTo(page, "#key", "Tab", 1)).toEqual(["input#key"]);
  const key = await focusedValue(page);
  await pressTo(page, "#copy", "Tab", 1);
  await page.keyboard.press("Space");
  expect(await page.textContent("#copy")).toBe("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  // Its examples are a Stream Deck key's: the Website action's URL among them.
  expect(await page.textContent("#new-key")).toContain(`${automations}/v1/announce?key=${key}`);

  // The key, used: it is the Stream Deck key, acting on GET, sent in the URL.
  const whoami = await fetch(`${automations}/v1/whoami`, { headers: { "x-api-key": key } });
  expect(await whoami.json()).toMatchObject({
    ok: true,
    data: {
      account: { id: 3001 },
      key: { name: "deck", capabilities: ["announce", "chat", "channel"], allow_get: true },
    },
  });

  // Leaving it as found: Disconnect, then confirm, by keyboard too.
  await pressTo(page, "#disconnect", "Tab", 60);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#confirm");
  await pressTo(page, "#confirm");
  await page.keyboard.press("Enter");
  await page.waitForURL(`${oauth}/?done=disconnected`);
  await context.close();
});
