import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { accounts, automationKeys, linkedBot } from "../../shared/storage/accountsStore";
import { introspectToken } from "../../shared/kick/index";
import { readTokenRecord } from "../../shared/storage/tokenStore";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { Browser, EMULATOR_KICK as kick, keyOnPage, kickControl, OAUTH, PASSPHRASE } from "./adminBrowser";

const E = env as unknown as Cloudflare.OauthEnv & { TEST_MIGRATIONS: { name: string; queries: string[] }[] };

let browser: Browser;
let broadcasterKey: string;

/** Connects `userId` as a broadcaster through Kick and lands on its page. */
async function connectChannel(userId: number) {
  const { callbackUrl } = await browser.connectThroughKick({ userId });
  const landed = await browser.get(callbackUrl!);
  expect(landed.status).toBe(200);
  return keyOnPage(await landed.text())!;
}

async function connectBot(broadcasterId: number, botId: number) {
  const { callbackUrl } = await browser.connectBotThroughKick(broadcasterId, botId);
  return browser.get(callbackUrl);
}

const pageOf = async (path: string) => (await browser.get(`${OAUTH}${path}`)).text();

const statusJson = async () =>
  (
    await (
      await SELF.fetch(`${OAUTH}/status`, {
        headers: { accept: "application/json", authorization: `Bearer ${PASSPHRASE}` },
      })
    ).json<{ data: { accounts: Record<string, unknown>[] } }>()
  ).data.accounts;

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  browser = new Browser();
  await browser.login();
  broadcasterKey = await connectChannel(1001);
});

describe("connecting a bot", () => {
  it("starts from the broadcaster's page, asks Kick for chat only, links the bot to that channel, and gives it no key", async () => {
    const { authorizeUrl, callbackUrl } = await browser.connectBotThroughKick(1001, 1002);
    expect(new URL(authorizeUrl).searchParams.get("scope")).toBe("user:read chat:write");
    const landed = await browser.get(callbackUrl);
    expect(landed.status).toBe(200);
    const html = await landed.text();
    expect(html).toContain("demo_bot now speaks in demo_streamer&#39;s channel");
    expect(keyOnPage(html)).toBeNull();
    expect(await accounts.get(E.DB, 1002)).toMatchObject({ role: "bot", scopes: ["user:read", "chat:write"] });
    expect(await automationKeys.list(E.DB, 1002)).toEqual([]);
    expect((await linkedBot(E.DB, 1001))?.id).toBe(1002);
    // The broadcaster's own key is untouched.
    expect(await automationKeys.verify(E.DB, broadcasterKey, Date.now())).toMatchObject({ accountId: 1001 });
  });

  it("shows the link on every page: the dashboard, both accounts' pages and /status", async () => {
    await connectBot(1001, 1002);
    const dashboard = await pageOf("/");
    expect(dashboard).toContain("broadcaster · 1001 · bot: demo_bot");
    expect(dashboard).toContain("bot · 1002 · chats for demo_streamer");
    expect(await pageOf("/accounts/1001")).toContain(
      '<a href="/accounts/1002">demo_bot</a> speaks in this channel when a key of demo_streamer sends <code>as=bot</code>',
    );
    const botPage = await pageOf("/accounts/1002");
    expect(botPage).toContain('<td id="serves"><a href="/accounts/1001">demo_streamer</a></td>');
    expect(botPage).toContain("A bot has no automation keys of its own");
    expect(botPage).not.toContain('id="create-key"');
    expect(await statusJson()).toEqual([
      expect.objectContaining({ id: 1002, serves: [{ id: 1001, username: "demo_streamer" }] }),
      expect.objectContaining({ id: 1001, bot: { id: 1002, username: "demo_bot" } }),
    ]);
    expect(await pageOf("/status")).toContain("bot · 1002 · chats for demo_streamer");
  });

  it("a broadcaster's page links its set-up pages under the heading, Keys marked current; a bot's page has none", async () => {
    await connectBot(1001, 1002);
    const channel = await pageOf("/accounts/1001");
    expect(channel).toMatch(
      /<h1>demo_streamer <span class="muted">\(broadcaster\)<\/span><\/h1><nav class="row sub" aria-label="This channel"><a href="\/accounts\/1001" aria-current="page">Keys<\/a>/,
    );
    for (const path of ["/setup/announce", "/setup/replies", "/setup/timers", "/setup/relays", "/activity"])
      expect(channel).toContain(`<a href="/accounts/1001${path}">`);
    expect(await pageOf("/accounts/1002")).not.toContain('aria-label="This channel"');
  });

  it("replaces the channel's bot when another is connected from its page; one bot may chat for two channels", async () => {
    await connectChannel(3001);
    await connectBot(1001, 1002);
    await connectBot(3001, 1002);
    await connectBot(1001, 2001);
    expect((await linkedBot(E.DB, 1001))?.id).toBe(2001);
    expect((await linkedBot(E.DB, 3001))?.id).toBe(1002);
    expect(await pageOf("/accounts/1002")).toContain(
      '<td id="serves"><a href="/accounts/3001">other_streamer</a></td>',
    );
  });

  it("refuses to start without a connected broadcaster to serve, before Kick hears of it", async () => {
    await connectBot(1001, 1002);
    await kickControl("DELETE", "/requests");
    const attempts: Record<string, string>[] = [
      { role: "bot" },
      { role: "bot", broadcaster: "1002" },
      { role: "bot", broadcaster: "999" },
    ];
    for (const fields of attempts) {
      const response = await browser.post(`${OAUTH}/connect`, fields);
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(await response.text()).toContain("Connect a bot account");
    }
    expect((await E.DB.prepare("SELECT COUNT(*) AS n FROM oauth_flows").first<{ n: number }>())!.n).toBe(0);
    expect(await kickControl("GET", "/requests")).toEqual([]);
  });

  it("refuses the broadcaster's own Kick account as its bot (signed in to Kick as the wrong account), and changes nothing", async () => {
    const before = (await readTokenRecord(E, 1001))!;
    const response = await connectBot(1001, 1001);
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("connected here as a broadcaster, so it cannot be a bot as well");
    expect(await accounts.get(E.DB, 1001)).toMatchObject({ role: "broadcaster" });
    expect(await linkedBot(E.DB, 1001)).toBeNull();
    expect(await readTokenRecord(E, 1001)).toEqual(before);
    expect(await introspectToken(kick, before.accessToken)).toMatchObject({ active: true });
    expect(await automationKeys.verify(E.DB, broadcasterKey, Date.now())).toMatchObject({ accountId: 1001 });
  });

  it("refuses to turn a bot into a broadcaster by connecting it from the dashboard", async () => {
    await connectBot(1001, 1002);
    const { callbackUrl } = await browser.connectThroughKick({ userId: 1002 });
    const response = await browser.get(callbackUrl!);
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("demo_bot is connected here as a bot");
    expect(await accounts.get(E.DB, 1002)).toMatchObject({ role: "bot" });
    expect(await automationKeys.list(E.DB, 1002)).toEqual([]);
  });

  it("keeps nothing when the channel was disconnected while the bot was on Kick's consent page", async () => {
    const { callbackUrl } = await browser.connectBotThroughKick(1001, 1002);
    expect((await browser.post(`${OAUTH}/accounts/1001/disconnect`, {})).status).toBe(303);
    const response = await browser.get(callbackUrl);
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("disconnected meanwhile");
    expect(await accounts.get(E.DB, 1002)).toBeNull();
    expect(await kickControl("GET", "/tokens?user_id=1002")).toEqual({ access_tokens: [], refresh_tokens: [] });
  });

  it("refuses a key for a bot: it would act in the bot's own channel", async () => {
    await connectBot(1001, 1002);
    const response = await browser.post(`${OAUTH}/accounts/1002/keys`, [
      ["name", "bot key"],
      ["capability", "chat"],
    ]);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("A bot has no keys of its own");
    expect(await automationKeys.list(E.DB, 1002)).toEqual([]);
  });
});

describe("disconnecting", () => {
  it("a broadcaster unlinks its bot, which stays connected and says it chats for no channel", async () => {
    await connectBot(1001, 1002);
    expect(await pageOf("/accounts/1001/disconnect")).toContain("Its bot demo_bot is unlinked");
    expect((await browser.post(`${OAUTH}/accounts/1001/disconnect`, {})).status).toBe(303);
    expect(await accounts.get(E.DB, 1001)).toBeNull();
    expect(await accounts.get(E.DB, 1002)).toMatchObject({ role: "bot" });
    expect(await E.DB.prepare("SELECT * FROM bot_links").all()).toMatchObject({ results: [] });
    expect(await readTokenRecord(E, 1002)).not.toBeNull();
    expect(await pageOf("/")).toContain("bot · 1002 · chats for no channel");
    expect(await pageOf("/accounts/1002")).toContain("no channel: connect it from a channel&#39;s page");
  });

  it("a bot leaves its channel with no bot", async () => {
    await connectBot(1001, 1002);
    expect((await browser.post(`${OAUTH}/accounts/1002/disconnect`, {})).status).toBe(303);
    expect(await linkedBot(E.DB, 1001)).toBeNull();
    expect(await pageOf("/accounts/1001")).toContain("No bot account: calls with <code>as=bot</code> are refused.");
    expect(await pageOf("/")).toContain("broadcaster · 1001 · no bot");
  });
});

describe("upgrading to bot links (migrations/0012)", () => {
  /** The data statements of the migration, run on accounts connected as before it. */
  async function migrateData() {
    const migration = E.TEST_MIGRATIONS.find((m) => m.name.startsWith("0012_"))!;
    const data = migration.queries.filter((q) => /^\s*(?:--[^\n]*\n\s*)*(INSERT|UPDATE)/.test(q));
    expect(data).toHaveLength(2);
    await E.DB.batch(data.map((q) => E.DB.prepare(q)));
  }

  it("links every channel to the bot as=bot used before (the first by username) and revokes the bots' keys", async () => {
    await connectChannel(3001);
    const now = Date.now();
    for (const [id, username] of [
      [2002, "viewer_bob"],
      [1002, "demo_bot"],
    ] as const)
      await accounts.connect(E.DB, { id, username, role: "bot", scopes: ["chat:write"], tokenExpiresAt: now, now });
    const { key: oldBotKey } = await automationKeys.create(E.DB, {
      accountId: 1002,
      name: "default",
      capabilities: ["chat"],
      now,
    });
    await migrateData();
    expect((await linkedBot(E.DB, 1001))?.id).toBe(1002);
    expect((await linkedBot(E.DB, 3001))?.id).toBe(1002);
    expect(await automationKeys.verify(E.DB, oldBotKey, now)).toBeNull();
    expect(await automationKeys.verify(E.DB, broadcasterKey, now)).toMatchObject({ accountId: 1001 });
  });

  it("links nothing where no bot was connected", async () => {
    await migrateData();
    expect(await E.DB.prepare("SELECT * FROM bot_links").all()).toMatchObject({ results: [] });
  });
});
