import { beforeEach, describe, expect, it } from "vitest";
import { relays, timers } from "../../shared/storage/rulesStore";
import { connectedAccount } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { kickControl } from "../oauth/adminBrowser";
import { Browser, CHANNEL, E, OAUTH, roomPage, signedInWithChannel, submit } from "./roomBrowser";

// The control room's edges: who reaches it, what another channel's ids reach, and what an
// account's Kick permissions let it set up.

describe("the way in", () => {
  beforeEach(async () => {
    await kickControl("POST", "/reset");
    await resetWorkerState(E);
    await connectedAccount(E, CHANNEL, 90 * 60_000);
  });

  it.each(["/setup/announce", "/setup/replies", "/setup/timers", "/setup/relays", "/activity"])(
    "a signed-out browser gets the sign-in page at %s, and its form posts change nothing",
    async (path) => {
      const stranger = new Browser();
      const page = await stranger.get(`${OAUTH}/accounts/${CHANNEL}${path}`);
      expect(page.status).toBe(401);
      expect(await page.text()).toContain('name="passphrase"');
      const posted = await stranger.post(`${OAUTH}/accounts/${CHANNEL}/setup/timers`, [
        ["name", "x"],
        ["message", "y"],
        ["interval_minutes", "10"],
      ]);
      expect([401, 403]).toContain(posted.status);
      expect(await timers.list(E.DB, CHANNEL)).toEqual([]);
    },
  );
});

describe("another channel's ids", () => {
  let browser: Browser;
  const OTHER = 3001;
  beforeEach(async () => {
    browser = await signedInWithChannel();
    await connectedAccount(E, OTHER, 90 * 60_000);
    await timers.save(E.DB, {
      accountId: OTHER,
      name: "theirs",
      message: "hi",
      intervalMinutes: 10,
      enabled: true,
      now: 0,
    });
    await relays.create(E.DB, {
      id: "relay-theirs",
      accountId: OTHER,
      name: "theirs",
      url: "https://relay.example.net/hook",
      events: ["channel.followed"],
      sealedSecret: "sealed-theirs",
      now: 0,
      limit: 10,
    });
  });

  it("cannot turn off or delete another channel's timer by its name", async () => {
    const page = await roomPage(browser, "/setup/timers");
    // The page's own forms, carrying the other channel's timer name instead.
    await browser.post(`${OAUTH}/accounts/${CHANNEL}/setup/timers/toggle`, [...csrfOf(page), ["name", "theirs"]]);
    await browser.post(`${OAUTH}/accounts/${CHANNEL}/setup/timers/delete`, [...csrfOf(page), ["name", "theirs"]]);
    expect(await timers.list(E.DB, OTHER)).toMatchObject([{ name: "theirs", enabled: 1 }]);
  });

  it("cannot rotate, test or delete another channel's relay by its id", async () => {
    const page = await roomPage(browser, "/setup/relays");
    for (const to of ["rotate", "test", "delete"]) {
      const answer = await browser.landed(
        await browser.post(`${OAUTH}/accounts/${CHANNEL}/setup/relays/${to}`, [
          ...csrfOf(page),
          ["id", "relay-theirs"],
        ]),
      );
      expect(await answer.text()).not.toContain("theirs”");
    }
    const [theirs] = await relays.listWithDeliveryCounts(E.DB, OTHER);
    expect(theirs).toMatchObject({ id: "relay-theirs", name: "theirs" });
    const secret = await E.DB.prepare("SELECT secret FROM relays WHERE id = 'relay-theirs'").first<{
      secret: string;
    }>();
    expect(secret!.secret).toBe("sealed-theirs");
  });
});

describe("what the account let Kick allow", () => {
  it("refuses a relay on a channel connected without event webhooks, and says to re-connect; nothing is saved", async () => {
    await kickControl("POST", "/reset");
    await resetWorkerState(E);
    const browser = new Browser();
    await browser.login();
    const { callbackUrl } = await browser.connectThroughKick({ capabilities: ["chat"] });
    await browser.get(callbackUrl!);
    const refused = await submit(browser, await roomPage(browser, "/setup/relays"), 'id="relay-form"', [
      ["name", "zap"],
      ["url", "https://relay.example.net/hook"],
      ["scope", "all"],
    ]);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("connected without the “Event webhooks” permission");
    expect(await relays.listWithDeliveryCounts(E.DB, CHANNEL)).toEqual([]);
  });
});

/** The session's CSRF field, as every form of the page carries it. */
const csrfOf = (page: string): [string, string][] => [["csrf", /name="csrf" value="([^"]+)"/.exec(page)![1]!]];
