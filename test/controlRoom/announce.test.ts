import { beforeEach, describe, expect, it } from "vitest";
import { announceRules } from "../../shared/storage/rulesStore";
import { CHANNEL, E, roomPage, signedInWithChannel, submit, type Browser } from "./roomBrowser";
import { kickControl } from "../oauth/adminBrowser";

let browser: Browser;
beforeEach(async () => {
  browser = await signedInWithChannel();
});

const announcePage = () => roomPage(browser, "/setup/announce");
const saveAnnouncement = async (fields: [string, string][]) =>
  submit(browser, await announcePage(), 'id="announce-form"', fields);

/** The preview's text and the stream values the page's script fills it from. */
function previewOf(html: string) {
  const tag = /<pre id="preview"[^>]*data-stream="([^"]*)"[^>]*>([^<]*)<\/pre>/.exec(html);
  if (!tag) throw new Error("no preview on the page");
  const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
  return { stream: JSON.parse(unescape(tag[1]!)) as Record<string, unknown>, text: unescape(tag[2]!) };
}

describe("the go-live announcement page", () => {
  it("says that with nothing saved going live posts nothing, while /v1/announce posts the default", async () => {
    const html = await announcePage();
    expect(html).toContain("demo_streamer's channel");
    expect(html).toMatch(/Nothing is saved yet<\/strong>, so going live posts nothing by itself/);
    expect(html).toContain("/v1/announce");
    expect(html).toContain("We&#39;re live: {title} ({category}) → {url}");
    for (const p of ["title", "category", "viewers", "url", "started_at", "channel"])
      expect(html).toContain(`<code>{${p}}</code>`);
    // The page's one script is allowed by hash, not by 'unsafe-inline'.
    expect(html).toContain('addEventListener("input"');
  });

  it("saves the template and the automatic switch, then shows them as saved", async () => {
    const saved = await saveAnnouncement([
      ["template", "Live now: {title} – {url}"],
      ["auto", "true"],
    ]);
    const html = await (await browser.landed(saved)).text();
    expect(html).toContain("Announcement saved: it posts when the channel goes live.");
    expect(html).toContain("Live now: {title} – {url}</textarea>");
    expect(html).toMatch(/<strong>On<\/strong>: when the channel goes live/);
    expect(html).toMatch(/Saved <time datetime=/);
    expect(await announceRules.get(E.DB, CHANNEL)).toMatchObject({ template: "Live now: {title} – {url}", auto: 1 });

    // Unticked, the form sends only the hidden "false": automatic posting goes off.
    const off = await browser.landed(await saveAnnouncement([["template", "Live now: {title}"]]));
    expect(await off.text()).toMatch(/Automatic posting is off<\/strong>: going live posts nothing by itself/);
    expect(await announceRules.get(E.DB, CHANNEL)).toMatchObject({ template: "Live now: {title}", auto: 0 });
  });

  it("refuses an unknown placeholder beside the message, keeping what was typed, and saves nothing", async () => {
    const refused = await saveAnnouncement([
      ["template", "Come watch {nope} at {url}"],
      ["auto", "true"],
    ]);
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toMatch(/aria-invalid="true" aria-describedby="template-error"/);
    expect(html).toMatch(/id="template-error">may use only \{title\}/);
    expect(html).toContain("Come watch {nope} at {url}</textarea>");
    expect(await announceRules.get(E.DB, CHANNEL)).toBeNull();
  });

  it("previews the template filled from the stream that is live now", async () => {
    await kickControl("PATCH", `/channels/${CHANNEL}`, {
      is_live: true,
      stream_title: "Speedruns <3",
      viewer_count: 77,
    });
    await browser.landed(await saveAnnouncement([["template", "{channel} is live: {title} for {viewers}"]]));
    const html = await announcePage();
    expect(html).toContain("Filled in from the stream that is live now.");
    const preview = previewOf(html);
    expect(preview.text).toBe("demo_streamer is live: Speedruns <3 for 77");
    expect(preview.stream).toMatchObject({ title: "Speedruns <3", viewers: 77, channel: "demo_streamer" });
    // Stream facts only: nothing else crosses from the webhooks Worker into the page.
    expect(Object.keys(preview.stream).sort()).toEqual([
      "category",
      "channel",
      "started_at",
      "title",
      "url",
      "viewers",
    ]);
  });

  it("previews with sample values, saying why, while the channel is offline", async () => {
    const html = await announcePage();
    expect(html).toContain("This preview uses sample values. The channel is offline right now");
    expect(previewOf(html).text).toBe(
      "We're live: Speedrun practice, come hang out (Just Chatting) → https://kick.com/demo_streamer",
    );
  });

  it("still draws the page with sample values when Kick fails, saying so in plain words", async () => {
    await kickControl("POST", "/faults", {
      method: "GET",
      path: "/public/v1/users/livestreams",
      status: 503,
      times: 10,
    });
    const page = await browser.get(`http://127.0.0.1:8787/accounts/${CHANNEL}/setup/announce`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("This preview uses sample values. Kick did not answer properly just now");
    expect(previewOf(html).stream).toMatchObject({ title: "Speedrun practice, come hang out" });
  });

  it("sends the streamer to re-connect when Kick refuses the channel's token", async () => {
    await kickControl("POST", "/faults", {
      method: "GET",
      path: "/public/v1/users/livestreams",
      status: 401,
      times: 10,
    });
    const html = await announcePage();
    expect(html).toContain("This preview uses sample values. Kick needs this channel connected again");
    expect(html).toContain(`re-connect it from the <a href="/accounts/${CHANNEL}">Keys page</a>`);
  });
});

describe("subscriptions", () => {
  it("asks Kick for the go-live event as soon as an automatic announcement is saved", async () => {
    const browser = await signedInWithChannel();
    const goLive = async () =>
      (await kickControl<{ event: string; broadcaster_user_id: number }[]>("GET", "/subscriptions")).filter(
        (s) => s.broadcaster_user_id === CHANNEL && s.event === "livestream.status.updated",
      );
    // Connected, no announcement yet: nothing listens for going live.
    expect(await goLive()).toEqual([]);
    const saved = await submit(browser, await roomPage(browser, "/setup/announce"), 'id="announce-form"', [
      ["template", "Live: {title}"],
      ["auto", "true"],
    ]);
    await browser.landed(saved);
    expect(await goLive()).toHaveLength(1);
  });
});
