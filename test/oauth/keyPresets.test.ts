import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { automationKeys, type AutomationKeyInfo } from "../../shared/storage/accountsStore";
import { ACTIONS } from "../../functions/automations/actions/index";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { Browser, formsOf, keyOnPage, kickControl, OAUTH } from "./adminBrowser";

const E = env as unknown as Cloudflare.OauthEnv;
/** The automations Worker's address as the oauth Worker's examples name it (wrangler.toml). */
const AUTOMATIONS = "http://127.0.0.1:8788";

let browser: Browser;

/** Signs in and connects demo_streamer (1001) asking Kick for `capabilities`; lands on its page. */
async function connectedWith(capabilities?: string[]) {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  browser = new Browser();
  await browser.login();
  const { callbackUrl } = await browser.connectThroughKick(capabilities ? { capabilities } : {});
  await browser.get(callbackUrl!);
}

const postKey = (fields: [string, string][]) => browser.post(`${OAUTH}/accounts/1001/keys`, fields);
const keyForm = (html: string) => formsOf(html).find((f) => f.includes('id="key-form"'))!;

/** Makes a key with this form, and returns the page that shows it and the key as stored. */
async function made(fields: [string, string][]) {
  const page = await (await browser.landed(await postKey(fields))).text();
  const key = keyOnPage(page)!;
  const info = (await automationKeys.list(E.DB, 1001)).find((k) => key.startsWith(`ke_${k.id}_`))!;
  return { page, key, info };
}

const decode = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
/** The examples under a new key, as the page shows them: heading and text. */
const examplesOn = (page: string) =>
  [...page.matchAll(/<h3>([^<]*)<\/h3><pre>([^<]*)<\/pre>/g)].map((m) => ({
    tool: decode(m[1]!),
    text: decode(m[2]!),
  }));

/**
 * Why the automations Worker would refuse this example with this key, or null when it would run
 * it: judged against the real action table (path, capability, mutating) with the rules of
 * handleAction, independently of how the page chose its examples.
 */
function refusal(example: { text: string }, key: string, info: AutomationKeyInfo): string | null {
  const url = new URL(/https?:\/\/[^\s)"']+/.exec(example.text)![0]);
  if (url.origin !== AUTOMATIONS) return `not our automations URL: ${url.origin}`;
  // The overlay page is a static file; what it reads with the key is its .json.
  const path = url.pathname.startsWith("/overlay/") ? `${url.pathname}.json` : url.pathname;
  const post = /Method: POST|Payload Type|-d '/.test(example.text);
  const action = ACTIONS.find((a) => a.path === path && (post ? a.method !== "GET" : true));
  if (!action) return `no action at ${path}`;
  const inUrl = url.searchParams.get("key") === key;
  if (!inUrl && !example.text.includes(key)) return "the key is not in it";
  if (inUrl && !info.allowUrl) return "key_not_for_urls";
  if (info.capabilities.includes("overlay") && action.capability !== "overlay") return "overlay_key";
  if (action.capability && !info.capabilities.includes(action.capability)) return `needs ${action.capability}`;
  // A GET reaches a POST action only where the action allows it, and acts only for a GET key.
  if (!post && action.method !== "GET" && !(action.allowGet && (!action.mutating || info.allowGet)))
    return "GET not allowed";
  return null;
}

describe("key presets", () => {
  beforeEach(() => connectedWith());

  it("start the key form, as radio buttons with Custom picked, each saying what it sets for this account", async () => {
    const form = keyForm(await (await browser.get(`${OAUTH}/accounts/1001`)).text());
    expect([...form.matchAll(/name="preset" value="(\w+)"/g)].map((m) => m[1])).toEqual([
      "zap",
      "deck",
      "obs",
      "bot",
      "custom",
    ]);
    expect(form).toContain('name="preset" value="custom" checked');
    expect(form.indexOf('name="preset"')).toBeLessThan(form.indexOf('name="capability"'));
    expect(form).toContain(
      'Stream Deck button <span class="muted">— Go-live announcements, Chat, Title, category and tags; sent in a header or the URL; acts on a plain GET</span>',
    );
    // Without JavaScript the boxes stay in the page; the stylesheet hides them unless Custom is picked.
    expect(form).toMatch(/<fieldset class="custom">/);
  });

  it.each([
    ["zap", ["chat", "announce", "channel"], false, false],
    ["deck", ["announce", "chat", "channel"], true, true],
    ["obs", ["overlay"], true, false],
    ["bot", ["kicks", "channel"], true, true],
  ] as const)(
    "%s stores its own capabilities, URL and GET, whatever boxes came with it",
    async (preset, can, url, get) => {
      // Stale ticks in the hidden boxes (moderation, GET, URL the other way) change nothing.
      const { info } = await made([
        ["name", preset],
        ["preset", preset],
        ["capability", "moderation"],
        ["capability", "rewards"],
        ...(url ? [] : ([["allow_url", "on"]] as [string, string][])),
        ...(get ? [] : ([["allow_get", "on"]] as [string, string][])),
      ]);
      expect(info).toMatchObject({ name: preset, capabilities: [...can], allowUrl: url, allowGet: get });
      const listed = (await automationKeys.list(E.DB, 1001)).find((k) => k.name === preset)!;
      expect(listed).toMatchObject({ capabilities: [...can], allowUrl: url, allowGet: get });
    },
  );

  it("Custom (or no preset at all: older pages, tools) uses the boxes as before", async () => {
    const custom = await made([
      ["name", "custom"],
      ["preset", "custom"],
      ["capability", "rewards"],
      ["allow_url", "on"],
    ]);
    expect(custom.info).toMatchObject({ capabilities: ["rewards"], allowUrl: true, allowGet: false });
    const none = await made([
      ["name", "none"],
      ["capability", "chat"],
      ["allow_get", "on"],
    ]);
    expect(none.info).toMatchObject({ capabilities: ["chat"], allowUrl: true, allowGet: true });
  });

  it("the key table says how each key is sent and which may act on a plain GET", async () => {
    await made([
      ["name", "deck"],
      ["preset", "deck"],
    ]);
    const html = await (await browser.get(`${OAUTH}/accounts/1001`)).text();
    const row = (name: string) => new RegExp(`<tr><td>${name}<br>[\\s\\S]*?</tr>`).exec(html)![0];
    expect(row("default")).toContain('<td data-label="Sent">sent in a header only; never acts on a plain GET</td>');
    expect(row("deck")).toContain('<td data-label="Sent">sent in a header or the URL; acts on a plain GET</td>');
  });
});

describe("examples under a new key", () => {
  beforeEach(() => connectedWith());

  it.each([
    ["zap", ["Zapier (Webhooks by Zapier, POST)", "IFTTT (Make a web request)", "Check the key (curl)"]],
    [
      "deck",
      [
        "Stream Deck: announce (Website action, GET request in background)",
        "Stream Deck: a chat line (the same)",
        "Nightbot (!live)",
        "Nightbot (!title, mod-only)",
        "Zapier (Webhooks by Zapier, POST)",
        "IFTTT (Make a web request)",
        "Check the key (curl)",
      ],
    ],
    ["obs", ["OBS Browser Source URL"]],
    ["bot", ["Nightbot (!live)", "Nightbot (!kicks)", "Nightbot (!title, mod-only)", "Check the key (curl)"]],
  ])("%s: only what the key can run", async (preset, tools) => {
    const { page, key, info } = await made([
      ["name", preset],
      ["preset", preset],
    ]);
    const shown = examplesOn(page);
    expect(shown.map((e) => e.tool)).toEqual(tools);
    for (const example of shown) expect(refusal(example, key, info), example.tool).toBeNull();
    // A header key is never shown in a URL.
    if (!info.allowUrl) expect(page).not.toContain(`key=${key}`);
  });

  it("an overlay key gets its OBS Browser Source URL, ready to paste", async () => {
    const { page, key } = await made([
      ["name", "obs"],
      ["preset", "obs"],
    ]);
    expect(examplesOn(page)).toEqual([
      { tool: "OBS Browser Source URL", text: `${AUTOMATIONS}/overlay/leaderboard?key=${key}&period=week&count=5` },
    ]);
  });

  it("a key for the URL that may not act on GET gets no Stream Deck button; one without chat gets no chat", async () => {
    const urlOnly = await made([
      ["name", "url"],
      ["preset", "custom"],
      ["capability", "announce"],
      ["capability", "channel"],
      ["allow_url", "on"],
    ]);
    const tools = examplesOn(urlOnly.page).map((e) => e.tool);
    expect(tools).toEqual(["Nightbot (!live)", "Check the key (curl)"]);
    expect(urlOnly.page).not.toContain("/v1/chat");
    for (const example of examplesOn(urlOnly.page)) expect(refusal(example, urlOnly.key, urlOnly.info)).toBeNull();
  });

  it("every custom mix gets only examples it can run", async () => {
    const mixes: [string, string][][] = [
      [["capability", "chat"]],
      [["capability", "moderation"]],
      [
        ["capability", "kicks"],
        ["allow_url", "on"],
      ],
      [
        ["capability", "announce"],
        ["capability", "chat"],
        ["capability", "channel"],
        ["allow_url", "on"],
      ],
      [
        ["capability", "channel"],
        ["allow_get", "on"],
      ],
      [["capability", "overlay"]],
      [
        ["capability", "announce"],
        ["capability", "chat"],
        ["capability", "channel"],
        ["capability", "kicks"],
        ["allow_get", "on"],
      ],
    ];
    for (const [i, mix] of mixes.entries()) {
      const { page, key, info } = await made([["name", `mix ${i}`], ...mix]);
      const shown = examplesOn(page);
      expect(shown.length, JSON.stringify(mix)).toBeGreaterThan(0);
      for (const example of shown)
        expect(refusal(example, key, info), `${JSON.stringify(mix)} ${example.tool}`).toBeNull();
    }
  });
});

describe("a preset on an account that was not granted all it needs", () => {
  it("leaves out what was not granted", async () => {
    await connectedWith(["chat", "kicks"]);
    const deck = await made([
      ["name", "deck"],
      ["preset", "deck"],
    ]);
    expect(deck.info).toMatchObject({ capabilities: ["chat"], allowUrl: true, allowGet: true });
    const bot = await made([
      ["name", "bot"],
      ["preset", "bot"],
    ]);
    expect(bot.info).toMatchObject({ capabilities: ["kicks"] });
    expect(keyForm(bot.page)).toContain('Stream Deck button <span class="muted">— Chat; ');
  });

  it("is refused on the same form when nothing is left, saying why, and makes no key", async () => {
    await connectedWith(["moderation"]);
    const refused = await postKey([
      ["name", "my deck"],
      ["preset", "deck"],
    ]);
    expect(refused.status).toBe(400);
    const form = keyForm(await refused.text());
    expect(form).toContain('value="my deck"');
    expect(form).toContain('name="preset" value="deck" checked');
    expect(form).not.toContain('value="custom" checked');
    // Beside the presets, not in Custom's hidden boxes.
    expect(form).toContain(
      '<fieldset aria-describedby="capability-error"><legend>What the key is for</legend><p class="bad" id="capability-error">Not made: this account granted nothing “Stream Deck button” uses (Go-live announcements, Chat, Title, category and tags): re-connect to allow it, or pick Custom.</p>',
    );
    expect(form).toContain('Stream Deck button <span class="muted">— nothing this account granted;');
    expect(await automationKeys.list(E.DB, 1001)).toHaveLength(1);
  });
});
