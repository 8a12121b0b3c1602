import { beforeEach, describe, expect, it } from "vitest";
import { eventReplies } from "../../shared/storage/rulesStore";
import { CHANNEL, E, OAUTH, roomPage, signedInWithChannel, submit, type Browser } from "./roomBrowser";

let browser: Browser;
beforeEach(async () => {
  browser = await signedInWithChannel();
});

const repliesPage = () => roomPage(browser, "/setup/replies");
/** The form of one event, found by its hidden event field. */
const saveReply = async (event: string, fields: [string, string][]) =>
  submit(browser, await repliesPage(), `name="event" value="${event}">`, fields);

describe("the event replies page", () => {
  it("lists every event with no reply, and the placeholders each offers", async () => {
    const html = await repliesPage();
    expect(html).toContain("demo_streamer's channel");
    expect(html.match(/>no reply<\/td>/g)).toHaveLength(6);
    expect(html).toContain('<table class="stack">');
    const gifts = /<section[^>]*id="kicks-gifted-reply"[\s\S]*?<\/section>/.exec(html)![0];
    for (const p of ["user", "amount", "gift", "message"]) expect(gifts).toContain(`<code>{${p}}</code>`);
  });

  it("saves a reply through its event's form, shows it, then deletes it", async () => {
    const saved = await saveReply("channel.followed", [
      ["template", "Thanks for the follow, {user}!"],
      ["cooldown_seconds", "30"],
      ["as", "broadcaster"],
    ]);
    const html = await (await browser.landed(saved)).text();
    expect(html).toContain("Reply saved for: Someone follows.");
    expect(html).toContain('<td data-label="Reply">Thanks for the follow, {user}!</td>');
    expect(html).toContain('<td data-label="Last posted">never</td>');
    expect(await eventReplies.list(E.DB, CHANNEL)).toMatchObject([
      { event: "channel.followed", template: "Thanks for the follow, {user}!", cooldown_seconds: 30, as_bot: 0 },
    ]);

    const gone = await browser.landed(await submit(browser, html, "Delete reply to: Someone follows", []));
    expect(await gone.text()).toContain("Reply deleted for: Someone follows. That event now posts nothing.");
    expect(await eventReplies.list(E.DB, CHANNEL)).toEqual([]);
  });

  it("refuses a placeholder the event lacks beside that form's field, keeping what was typed, and saves nothing", async () => {
    const refused = await saveReply("channel.followed", [
      ["template", "Welcome {user}, {months} months!"],
      ["cooldown_seconds", "60"],
      ["as", "broadcaster"],
    ]);
    expect(refused.status).toBe(400);
    const html = await refused.text();
    const form = /<section[^>]*id="channel-followed-reply"[\s\S]*?<\/section>/.exec(html)![0];
    expect(form).toMatch(/aria-invalid="true" aria-describedby="channel-followed-template-error"/);
    expect(form).toMatch(/id="channel-followed-template-error">uses a placeholder this event lacks/);
    expect(form).toContain("Welcome {user}, {months} months!</textarea>");
    // Only that form is marked: the others' fields are the same names, with ids of their own.
    expect(html.match(/aria-invalid="true"/g)).toHaveLength(1);
    expect(await eventReplies.list(E.DB, CHANNEL)).toEqual([]);
  });

  it("says when no bot is linked that a reply set to the bot would be refused, and names the bot once one is", async () => {
    const html = await repliesPage();
    expect(html).toContain("No bot is linked to this channel.");
    expect(html).toContain("would be refused when its event comes");
    expect(html).toContain('aria-describedby="bot-note"');

    const { callbackUrl } = await browser.connectBotThroughKick(CHANNEL, 1002);
    await browser.get(callbackUrl);
    const linked = await repliesPage();
    expect(linked).not.toContain("No bot is linked");
    expect(linked).toMatch(/posted by demo_bot, the bot linked to this channel/);
    expect(linked).toContain("The bot (demo_bot)");
  });

  it("refuses a delete without the session's CSRF token before the control room sees it", async () => {
    await browser.landed(
      await saveReply("kicks.gifted", [
        ["template", "{user} sent {amount} KICKs"],
        ["cooldown_seconds", "0"],
        ["as", "broadcaster"],
      ]),
    );
    const forged = await browser.post(`${OAUTH}/accounts/${CHANNEL}/setup/replies/delete`, [
      ["csrf", "forged"],
      ["event", "kicks.gifted"],
    ]);
    expect(forged.status).toBe(403);
    expect(await eventReplies.list(E.DB, CHANNEL)).toHaveLength(1);
  });
});
