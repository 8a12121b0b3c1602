import { mkdirSync } from "node:fs";
import axe from "axe-core";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";
import { findChromium } from "../../scripts/chromium.mjs";

// What the Chromium tests share: the browser as they start it, and the page walk's checks.

/** Headless Chromium with nothing of its own on the network (no updates, no sync). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium() ?? "chromium (not found: run node scripts/chromium.mjs)",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Where the page walks leave their screenshots (git-ignored): one per page and width. */
export const SHOTS = "test-artifacts/pages";
mkdirSync(SHOTS, { recursive: true });

/**
 * What axe-core finds serious or critical on the page as it stands. The page's context needs
 * `bypassCSP`: axe-core goes in as an inline script, which our pages' CSP refuses.
 */
export async function axeFindings(page: Page) {
  await page.addScriptTag({ content: axe.source });
  const found = await page.evaluate(async () => {
    const run = await (
      window as unknown as {
        axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe.run();
    return run.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(" ")) }));
  });
  return found.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/**
 * Checks the page as a person at this width meets it: nothing scrolls sideways, every button
 * can be seen and reached, and axe-core finds no serious or critical violation. Saves a screenshot.
 */
export async function walked(page: Page, name: string, width: number) {
  await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  const layout = await page.evaluate(() => ({
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    hiddenButtons: [...document.querySelectorAll("button")]
      .filter((b) => {
        const box = b.getBoundingClientRect();
        return box.width === 0 || box.height === 0 || box.left < 0 || box.right > window.innerWidth;
      })
      .map((b) => b.textContent?.trim()),
  }));
  expect(layout, `${name} at ${width} px`).toEqual({ overflow: 0, hiddenButtons: [] });
  expect(await axeFindings(page), `${name} at ${width} px`).toEqual([]);
}

/** Signs the page in on the connect page (the e2e suite's passphrase); it lands on the dashboard. */
export async function signIn(page: Page, oauth: string, passphrase: string) {
  await page.goto(`${oauth}/`);
  await page.fill('input[name="passphrase"]', passphrase);
  await page.click("#login");
  await page.waitForSelector("#connect");
}

/**
 * Connect, then on Kick's (emulated) consent page sign in as `channel` and approve: lands on that
 * account's page (with its first key, the first time it connects).
 */
export async function connectChannel(page: Page, urls: { oauth: string; emulator: string }, channel: number) {
  await page.click("#connect");
  await page.waitForURL(`${urls.emulator}/oauth/authorize**`);
  await page.selectOption("#user", String(channel));
  await page.click("#approve");
  await page.waitForURL(`${urls.oauth}/accounts/${channel}**`);
}
