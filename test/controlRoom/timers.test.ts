import { beforeEach, describe, expect, it } from "vitest";
import { timers } from "../../shared/storage/rulesStore";
import { CHANNEL, E, roomPage, signedInWithChannel, submit, type Browser } from "./roomBrowser";

let browser: Browser;
beforeEach(async () => {
  browser = await signedInWithChannel();
});

const saveTimer = async (fields: [string, string][]) =>
  submit(browser, await roomPage(browser, "/setup/timers"), 'id="timer-form"', fields);

describe("the timers page", () => {
  it("adds a timer through the form: POST, then a redirect to the list that names the channel and says it was saved", async () => {
    const saved = await saveTimer([
      ["name", "socials"],
      ["message", "Follow on X: @demo"],
      ["interval_minutes", "20"],
      ["enabled", "true"],
    ]);
    const landed = await browser.landed(saved);
    const html = await landed.text();
    expect(html).toContain("demo_streamer's channel");
    expect(html).toContain("Timer “socials” saved.");
    expect(html).toContain("Follow on X: @demo");
    expect(await timers.list(E.DB, CHANNEL)).toMatchObject([
      { name: "socials", message: "Follow on X: @demo", interval_minutes: 20, enabled: 1 },
    ]);
    // The notice was shown once: a reload shows the list, not the notice.
    expect(await roomPage(browser, "/setup/timers")).not.toContain("saved.");
  });

  it("refuses what the API refuses, beside the field, keeping what was typed, and saves nothing", async () => {
    const refused = await saveTimer([
      ["name", "spam"],
      ["message", "buy followers"],
      ["interval_minutes", "1"],
      ["enabled", "true"],
    ]);
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toMatch(/aria-invalid="true" aria-describedby="interval_minutes-error"/);
    expect(html).toMatch(/id="interval_minutes-error">[^<]*5/);
    expect(html).toContain("buy followers");
    expect(await timers.list(E.DB, CHANNEL)).toEqual([]);
  });

  it("turns a timer off and deletes it from its row", async () => {
    await saveTimer([
      ["name", "hydrate"],
      ["message", "drink water"],
      ["interval_minutes", "30"],
      ["enabled", "true"],
    ]);
    await browser.landed(await submit(browser, await roomPage(browser, "/setup/timers"), "Turn off hydrate", []));
    expect((await timers.list(E.DB, CHANNEL))[0]).toMatchObject({ enabled: 0, message: "drink water" });
    const gone = await browser.landed(
      await submit(browser, await roomPage(browser, "/setup/timers"), "Delete hydrate", []),
    );
    expect(await gone.text()).toContain("Timer “hydrate” deleted.");
    expect(await timers.list(E.DB, CHANNEL)).toEqual([]);
  });

  it("refuses a form without the session's CSRF token before the control room sees it", async () => {
    const page = await roomPage(browser, "/setup/timers");
    const forged = await browser.post(`http://127.0.0.1:8787/accounts/${CHANNEL}/setup/timers`, [
      ["csrf", "forged"],
      ["name", "x"],
      ["message", "y"],
      ["interval_minutes", "10"],
    ]);
    expect(page).toContain('id="timer-form"');
    expect(forged.status).toBe(403);
    expect(await timers.list(E.DB, CHANNEL)).toEqual([]);
  });
});
