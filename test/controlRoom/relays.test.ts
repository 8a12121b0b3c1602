import { beforeEach, describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../shared/kick/schemas/events";
import { relays } from "../../shared/storage/rulesStore";
import { NAMED_ONLY_EVENTS } from "../../shared/webhooks/relayPolicy";
import { keyOnPage, kickControl } from "../helpers/browser";
import { inbox, inboxUrl, signatureHolds, signatureParts } from "../webhooks/relayReceivers";
import { CHANNEL, E, roomPage, signedInWithChannel, submit, type Browser } from "./roomBrowser";

// The relays page as a browser uses it, through the oauth Worker; the receivers are the
// emulator's inboxes, which the webhooks Worker's fetches reach whatever the host.

let browser: Browser;
beforeEach(async () => {
  browser = await signedInWithChannel();
});

const relaysPage = (query = "") => roomPage(browser, `/setup/relays${query}`);
const addRelay = async (fields: [string, string][]) => submit(browser, await relaysPage(), 'id="relay-form"', fields);
/** Presses a row's button (by its aria-label) and lands where it leads. */
const press = async (label: string, query = "") =>
  browser.landed(await submit(browser, await relaysPage(query), `aria-label="${label}"`, []));
const stored = () => relays.listWithDeliveryCounts(E.DB, CHANNEL);

/** Adds relay `name` to the inbox of that name, every event but chat; returns its secret, as shown. */
async function added(name: string) {
  const landed = await browser.landed(
    await addRelay([
      ["name", name],
      ["url", inboxUrl(name)],
      ["scope", "all"],
    ]),
  );
  const html = await landed.text();
  return { html, secret: keyOnPage(html)! };
}

describe("the relays page", () => {
  it("adds a relay for every event but chat, and shows its signing secret once", async () => {
    const { html, secret } = await added("zap");
    expect(html).toContain("demo_streamer's channel");
    expect(html).toContain("Relay “zap” added.");
    expect(secret).toMatch(/^whsec_/);
    expect(html).toContain("X-Kick-Edge-Signature");
    expect(html).toContain(inboxUrl("zap"));
    const [relay] = await stored();
    expect(JSON.parse(relay!.events)).toEqual(EVENT_TYPES.filter((e) => !NAMED_ONLY_EVENTS.includes(e)));
    // Shown once: a reload lists the relay, without the secret; D1 holds it sealed.
    const again = await relaysPage();
    expect(again).toContain("All events but chat messages");
    expect(keyOnPage(again)).toBeNull();
    expect(again).not.toContain(secret);
    expect(JSON.stringify(await E.DB.prepare("SELECT * FROM relays").all())).not.toContain(secret);
  });

  it("takes the events as ticked: only some, or chat messages on top of every event", async () => {
    await browser.landed(
      await addRelay([
        ["name", "chat-only"],
        ["url", inboxUrl("chat")],
        ["scope", "some"],
        ["events", "chat.message.sent"],
      ]),
    );
    await browser.landed(
      await addRelay([
        ["name", "everything"],
        ["url", inboxUrl("all")],
        ["scope", "all"],
        ["events", "chat.message.sent"],
      ]),
    );
    const events = Object.fromEntries((await stored()).map((r) => [r.name, JSON.parse(r.events) as string[]]));
    expect(events).toEqual({ "chat-only": ["chat.message.sent"], everything: [...EVENT_TYPES] });
  });

  it("refuses what the API refuses beside the field, keeping what was typed, and saves nothing", async () => {
    const refused = await addRelay([
      ["name", "lan box"],
      ["url", "https://192.168.1.20/hook"],
      ["scope", "some"],
      ["events", "kicks.gifted"],
    ]);
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toMatch(/name="url"[^>]*aria-invalid="true" aria-describedby="url-error"/);
    expect(html).toMatch(/id="url-error">must name a public host, not an IP address</);
    expect(html).toContain('value="lan box"');
    expect(html).toContain('value="https://192.168.1.20/hook"');
    expect(html).toMatch(/value="some" checked/);
    expect(html).toMatch(/value="kicks.gifted" checked/);
    expect(keyOnPage(html)).toBeNull();

    const none = await addRelay([
      ["name", "nothing"],
      ["url", inboxUrl("nothing")],
      ["scope", "some"],
    ]);
    expect(none.status).toBe(400);
    expect(await none.text()).toMatch(/id="events-error">name at least one event/);
    expect(await stored()).toEqual([]);
  });

  it("sends a signed test now and reports it, keeping no delivery", async () => {
    const { secret } = await added("zap");
    const landed = await press("Send test to zap");
    const html = await landed.text();
    expect(html).toMatch(/Test to “zap”: the receiver answered 2xx \(success\) in \d+ ms\./);
    expect(html).not.toContain(secret);

    const { received } = await inbox("zap");
    expect(received).toHaveLength(1);
    const { headers, body } = received[0]!;
    expect(await signatureHolds(secret, headers["x-kick-edge-signature"]!, body)).toBe(true);
    expect(headers["x-kick-edge-delivery"]).toMatch(/^test-/);
    expect(headers["x-kick-edge-event"]).toBe("channel.followed");
    expect(JSON.parse(body)).toMatchObject({
      test: true,
      type: "channel.followed",
      broadcaster: { user_id: CHANNEL, username: "demo_streamer" },
      actor: { username: "kick_edge_test" },
    });
    expect((await E.DB.prepare("SELECT COUNT(*) AS n FROM relay_deliveries").first<{ n: number }>())!.n).toBe(0);
  });

  it("reports a receiver's 500 and its 410 in words, and a test's 410 disables nothing", async () => {
    await added("zap");
    await kickControl("PUT", "/inbox/zap", { fail_next: 1, fail_status: 500 });
    expect(await (await press("Send test to zap")).text()).toMatch(
      /Test to “zap”: the receiver answered 5xx in \d+ ms: a real delivery would be tried again later\./,
    );
    await kickControl("PUT", "/inbox/zap", { fail_next: 1, fail_status: 410 });
    expect(await (await press("Send test to zap")).text()).toMatch(
      /Test to “zap”: the receiver answered 410 Gone in \d+ ms: it wants no more deliveries/,
    );
    expect((await inbox("zap")).received.map((r) => r.answered)).toEqual([500, 410]);
    expect((await stored())[0]).toMatchObject({ disabled_at: null, delivered: 0, dead: 0 });
  });

  it("lists a dead delivery under its filter and queues it again with Retry", async () => {
    await added("zap");
    const [relay] = await stored();
    await E.DB.prepare(
      "INSERT INTO relay_deliveries (id, relay_id, message_id, body, status, attempts, last_status, created_at, updated_at) VALUES ('d1', ?, 'm1', ?, 'dead', 6, 503, 0, 1)",
    )
      .bind(relay!.id, JSON.stringify({ type: "kicks.gifted" }))
      .run();
    const dead = await relaysPage("?status=dead");
    expect(dead).toMatch(/<a href="\?status=dead#deliveries" aria-current="page">Dead<\/a>/);
    expect(dead).toContain("answered 5xx");
    expect(dead).toContain("0 delivered, 0 pending, 1 dead");
    expect(await relaysPage("?status=delivered")).toContain("No delivered deliveries.");

    const landed = await press("Retry kicks.gifted to zap", "?status=dead");
    expect(await landed.text()).toMatch(/“zap” is queued again: the webhooks Worker&#39;s minute cron sends it\./);
    expect(await E.DB.prepare("SELECT status, attempts FROM relay_deliveries").first()).toEqual({
      status: "pending",
      attempts: 0,
    });
    expect(await relaysPage("?status=dead")).toContain("No dead deliveries.");
    expect(await relaysPage("?status=lost")).toMatch(/role="alert">status must be one of/);
  });

  it("rotates a secret, shown once, the old one signing beside it for the overlap", async () => {
    const { secret: old } = await added("zap");
    const landed = await (await press("Rotate secret of zap")).text();
    const secret = keyOnPage(landed)!;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(old);
    expect(landed).toContain("The old one keeps signing beside it for 24 hours");
    const again = await relaysPage();
    expect(keyOnPage(again)).toBeNull();
    expect(again).toContain("The old secret also signs until");

    await press("Send test to zap");
    const { headers, body } = (await inbox("zap")).received[0]!;
    const header = headers["x-kick-edge-signature"]!;
    expect(signatureParts(header).v1).toHaveLength(2);
    expect(await signatureHolds(secret, header, body)).toBe(true);
    expect(await signatureHolds(old, header, body)).toBe(true);
  });

  it("deletes a relay from its row", async () => {
    await added("zap");
    const gone = await press("Delete zap");
    expect(await gone.text()).toContain("Relay “zap” deleted");
    expect(await stored()).toEqual([]);
  });
});
