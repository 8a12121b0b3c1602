import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { connectChannel, launchChromium, signIn } from "./inChromium";
import { E2E_ADMIN_SECRET } from "./globalSetup";

const oauth = inject("oauthUrl");
const emulator = inject("emulatorUrl");
const automations = inject("automationsUrl");

// The OBS overlays as a browser source shows them: at the sizes streamers give the source, in
// every theme, over a page OBS composites (so its background must be transparent), fed by the
// Worker alone. The screenshots are for eyes: they keep the transparency OBS sees.

/** Where the overlay screenshots go (git-ignored): one per page, size and theme. */
const OVERLAY_SHOTS = "test-artifacts/overlays";
mkdirSync(OVERLAY_SHOTS, { recursive: true });

/** viewer_bob's channel, connected as a broadcaster: no other browser test touches it. */
const CHANNEL = 2002;
const THEMES = ["dark", "light", "clear"] as const;
const LEADERBOARD_SIZES = [
  [400, 300],
  [800, 600],
  [1920, 1080],
] as const;
const HISTORY_SIZES = [
  [800, 450],
  [1920, 1080],
] as const;

let browser: Browser;
/** The channel's connect key (it may take snapshots) and its "OBS overlay" key. */
let key = "";
let overlayKey = "";

beforeAll(async () => {
  browser = await launchChromium();
  // A run cut short may have left the channel connected: its connect would then make no key.
  await fetch(`${oauth}/accounts/${CHANNEL}/disconnect`, {
    method: "POST",
    headers: { authorization: `Bearer ${E2E_ADMIN_SECRET}` },
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await connect(page);
  key = await page.inputValue("#key");
  // The key a streamer pastes into OBS: the "OBS overlay" preset, which can do nothing else.
  await page.check('#key-form input[name="preset"][value="obs"]');
  await page.fill('#key-form input[name="name"]', "obs");
  await page.click("#create-key");
  overlayKey = await page.inputValue("#key");
  expect(overlayKey).toMatch(/^ke_/);
  expect(overlayKey).not.toBe(key);
  await context.close();
});
afterAll(() => browser?.close());

/** Signs in and connects the channel on Kick's (emulated) consent page. */
async function connect(page: Page) {
  await signIn(page, oauth, E2E_ADMIN_SECRET);
  await connectChannel(page, { oauth, emulator }, CHANNEL);
}

const gift = (user_id: number, amount: number) =>
  fetch(`${emulator}/_emulator/kicks`, {
    method: "POST",
    body: JSON.stringify({ broadcaster_user_id: CHANNEL, user_id, amount }),
  });
const snapshot = () =>
  fetch(`${automations}/v1/kicks/snapshot`, { method: "POST", headers: { "x-api-key": key } }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as { ok: boolean },
  }));
const leaderboard = async () =>
  (
    (await (await fetch(`${automations}/overlay/leaderboard.json?key=${overlayKey}&period=lifetime`)).json()) as {
      data: { entries: { username: string; amount: number }[] };
    }
  ).data.entries;

/**
 * Gifts KICKs to the channel from five people and snapshots them: twice with a change between
 * (viewer_dave overtakes) and once without, so the history has steps. Other test files reset the
 * shared emulator, which forgets its gifts and tokens: a round cut short that way is connected
 * again and played again. The pages are then held to the Worker's own answer.
 */
async function giftAndSnapshot() {
  for (let attempt = 0; attempt < 3; attempt++) {
    for (const [user, amount] of [
      [2001, 1200],
      [2003, 800],
      [2004, 450],
      [1001, 300],
      [3001, 120],
    ] as const)
      await gift(user, amount);
    const first = await snapshot();
    await new Promise((r) => setTimeout(r, 1500));
    await gift(2004, 900);
    await gift(3001, 200);
    const second = await snapshot();
    await new Promise((r) => setTimeout(r, 1500));
    const third = await snapshot();
    if (first.body.ok && second.body.ok && third.body.ok && (await leaderboard()).length === 5) return;
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await connect(page);
    await context.close();
  }
  throw new Error("the emulator was reset under every attempt to gift KICKs");
}

/** An OBS-sized page, counting every host it asks and every CSP refusal. */
async function obsPage(width: number, height: number) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const hosts = new Set<string>();
  const refused: string[] = [];
  context.on("request", (r) => hosts.add(new URL(r.url()).host));
  page.on("console", (m) => /Content Security Policy/i.test(m.text()) && refused.push(m.text()));
  return { context, page, hosts, refused };
}

/**
 * What holds on every overlay page: the page itself is transparent, nothing reaches past the
 * source's edges (no scrollbar, no element, no chart label), and only the Worker was asked.
 */
async function checkOverlay(
  { context, page, hosts, refused }: Awaited<ReturnType<typeof obsPage>>,
  name: string,
): Promise<void> {
  const { width, height } = page.viewportSize()!;
  await page.screenshot({ path: `${OVERLAY_SHOTS}/${name}-${width}x${height}.png`, omitBackground: true });
  const layout = await page.evaluate(() => {
    const outside = [...document.body.querySelectorAll("*")]
      .filter((node) => {
        const box = node.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) return false;
        return box.left < -0.5 || box.top < -0.5 || box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5;
      })
      .map((node) => `${node.tagName.toLowerCase()}#${node.id}.${node.getAttribute("class")} “${node.textContent}”`);
    return {
      scroll: [document.documentElement.scrollWidth - innerWidth, document.documentElement.scrollHeight - innerHeight],
      outside,
      backgrounds: [
        getComputedStyle(document.documentElement).backgroundColor,
        getComputedStyle(document.body).backgroundColor,
      ],
    };
  });
  expect(layout, `${name} at ${width}×${height}`).toEqual({
    scroll: [0, 0],
    outside: [],
    backgrounds: ["rgba(0, 0, 0, 0)", "rgba(0, 0, 0, 0)"],
  });
  expect([...hosts], name).toEqual([new URL(automations).host]);
  expect(refused, name).toEqual([]);
  await context.close();
}

/** Each row's rank, name and amount as drawn, and whether the rank can be seen and is on top. */
function rows(page: Page) {
  return page.$$eval("#list li", (items) =>
    items.map((li) => {
      const rank = li.querySelector(".rank")!;
      const box = rank.getBoundingClientRect();
      const style = getComputedStyle(rank);
      const atRank = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return {
        rank: rank.textContent,
        name: li.querySelector(".name")!.textContent,
        amount: li.querySelector(".amount")!.textContent,
        rankShown:
          box.width > 8 && box.height > 8 && style.visibility === "visible" && style.opacity === "1" && atRank === rank,
      };
    }),
  );
}

/** The chart's axis titles, tick labels and legend, as drawn. */
function chartParts(page: Page) {
  return page.evaluate(() => {
    const texts = (selector: string) => [...document.querySelectorAll(selector)].map((n) => n.textContent ?? "");
    return {
      titles: texts("svg text.title"),
      yTicks: texts("svg text.tick.y"),
      xTicks: texts("svg text.tick.x"),
      legend: [...document.querySelectorAll("#legend li")].map((li) => ({
        name: li.querySelector(".name")?.textContent,
        shown: li.querySelector(".name")!.getBoundingClientRect().width > 0,
        color: getComputedStyle(li.querySelector(".swatch")!).backgroundColor,
      })),
      lines: [...document.querySelectorAll("svg polyline")].map((l) => l.getAttribute("stroke")),
    };
  });
}

it("with no KICKs yet, both overlays say so calmly on a transparent page", async () => {
  const board = await obsPage(400, 300);
  await board.page.goto(`${automations}/overlay/leaderboard?key=${overlayKey}&period=lifetime`);
  await board.page.waitForSelector("body[data-updated]");
  expect(await board.page.isVisible("#empty")).toBe(true);
  expect(await board.page.textContent("#empty")).toBe("No KICKs yet");
  expect(await board.page.isVisible("#error")).toBe(false);
  await checkOverlay(board, "leaderboard-empty");

  const chart = await obsPage(800, 450);
  await chart.page.goto(`${automations}/overlay/history?key=${overlayKey}`);
  await chart.page.waitForSelector("body[data-drawn]");
  expect(await chart.page.textContent("#empty")).toBe("No KICKs yet");
  expect(await chart.page.isVisible("#empty")).toBe(true);
  expect(await chart.page.isVisible("#figure")).toBe(false);
  await checkOverlay(chart, "history-empty");
});

it("the leaderboard shows ranks, names and amounts inside the source at 400×300, 800×600 and 1080p, in every theme", async () => {
  await giftAndSnapshot();
  const entries = await leaderboard();
  for (const [width, height] of LEADERBOARD_SIZES)
    for (const theme of THEMES) {
      const obs = await obsPage(width, height);
      await obs.page.goto(`${automations}/overlay/leaderboard?key=${overlayKey}&period=lifetime&theme=${theme}`);
      await obs.page.waitForSelector("#list li");
      expect(await obs.page.getAttribute("body", "data-theme")).toBe(theme);
      expect(await obs.page.textContent("#title")).toBe("All time · KICKs");
      expect(await rows(obs.page), `${theme} at ${width}×${height}`).toEqual(
        entries.map((e, i) => ({
          rank: String(i + 1),
          name: e.username,
          amount: e.amount.toLocaleString("en-US"),
          rankShown: true,
        })),
      );
      await checkOverlay(obs, `leaderboard-${theme}`);
    }
});

it("the history chart has labelled axes with ticks and a legend, inside the source at 800×450 and 1080p, in every theme", async () => {
  const names = (await leaderboard()).map((e) => e.username);
  expect(names).toHaveLength(5);
  for (const [width, height] of HISTORY_SIZES)
    for (const theme of THEMES) {
      const obs = await obsPage(width, height);
      await obs.page.goto(`${automations}/overlay/history?key=${overlayKey}&count=5&theme=${theme}`);
      await obs.page.waitForSelector("body[data-drawn]");
      const parts = await chartParts(obs.page);
      expect(parts.titles, `${theme} at ${width}×${height}`).toEqual([expect.stringMatching(/^Time/), "KICKs"]);
      expect(parts.yTicks.length).toBeGreaterThanOrEqual(3);
      expect(parts.yTicks[0]).toBe("0");
      expect(parts.xTicks.length).toBeGreaterThanOrEqual(2);
      for (const tick of parts.xTicks) expect(tick).toMatch(/^\d\d:\d\d(:\d\d)?$/);
      // One line per gifter, each named in the legend in its own colour.
      expect(parts.legend.map((l) => l.name)).toEqual(names);
      expect(parts.legend.every((l) => l.shown)).toBe(true);
      expect(parts.lines).toHaveLength(names.length);
      expect(new Set(parts.legend.map((l) => l.color)).size).toBe(names.length);
      await checkOverlay(obs, `history-${theme}`);
    }
});

it("long usernames and a full board stay inside the source, cut with an ellipsis and whole on hover", async () => {
  // Kick's names are short here, so the Worker's answer is stood in for (same host, same shape).
  const long = Array.from({ length: 10 }, (_, i) => ({
    rank: i + 1,
    user_id: 9000 + i,
    username: `a_really_long_username_${i}_xx`,
    amount: 1_234_567 - i * 1000,
  }));
  const board = await obsPage(400, 300);
  await board.page.route("**/overlay/leaderboard.json?*", (route) =>
    route.fulfill({ json: { ok: true, data: { period: "lifetime", title: "All time", entries: long } } }),
  );
  await board.page.goto(`${automations}/overlay/leaderboard?key=${overlayKey}&count=10&title=Top%20gifters`);
  await board.page.waitForSelector("#list li");
  expect(await board.page.textContent("#title")).toBe("Top gifters");
  const drawn = await rows(board.page);
  expect(drawn.map((r) => [r.rank, r.rankShown, r.amount])).toEqual(
    long.map((e) => [String(e.rank), true, e.amount.toLocaleString("en-US")]),
  );
  expect(await board.page.$$eval("#list .name", (names) => names.map((n) => n.scrollWidth > n.clientWidth))).toEqual(
    long.map(() => true),
  );
  expect(await board.page.getAttribute("#list li .name", "title")).toBe(long[0]!.username);
  await checkOverlay(board, "leaderboard-long-names");

  const now = Date.now();
  const chart = await obsPage(800, 450);
  await chart.page.route("**/overlay/history.json?*", (route) =>
    route.fulfill({
      json: {
        ok: true,
        data: long.slice(0, 5).map((e, i) => ({
          username: e.username,
          points: Array.from({ length: 8 }, (_, d) => ({
            at: now - (7 - d) * 86_400_000,
            amount: Math.round((e.amount * (d + 1 + i)) / 13),
          })),
        })),
      },
    }),
  );
  await chart.page.goto(`${automations}/overlay/history?key=${overlayKey}&theme=light`);
  await chart.page.waitForSelector("body[data-drawn]");
  const parts = await chartParts(chart.page);
  expect(parts.titles).toEqual(["Date", "KICKs"]);
  expect(parts.yTicks.at(-1)).toMatch(/^\d+(\.\d)?[KM]$/);
  expect(parts.legend.map((l) => l.name)).toEqual(long.slice(0, 5).map((e) => e.username));
  await checkOverlay(chart, "history-week-long-names");
});
