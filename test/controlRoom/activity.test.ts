import { beforeEach, describe, expect, it } from "vitest";
import { accounts, automationKeys } from "../../shared/storage/accountsStore";
import { recordRefreshes, recordTriggers } from "../../shared/storage/activityStore";
import { webhookEvents } from "../../shared/storage/webhookStore";
import { DONE } from "../../functions/controlRoom/activityPage";
import { API_ACTIONS } from "../helpers/automationsSetup";
import { CHANNEL, E, roomPage, signedInWithChannel, type Browser } from "./roomBrowser";

// The activity page as a browser sees it, through the oauth Worker. Triggers and refreshes are
// written with the activity store's own functions, as the pipeline and the refresh Worker write
// them (test/automations/activity.test.ts and test/refresh/activity.test.ts prove they do);
// Kick events and relay deliveries are rows of the webhooks Worker's tables.

let browser: Browser;
const MIN = 60_000;
let now: number;
const RELAY_URL = "https://hooks.zapier.com/hooks/catch/123/s3cr3t-path/";
const SEALED_SECRET = "v1.sealed-relay-secret.aaaa.bbbb";

beforeEach(async () => {
  browser = await signedInWithChannel();
  now = Date.now();
});

const activity = (query = "") => roomPage(browser, `/activity${query}`);
/** The page's rows, each as its cells' text, top to bottom. */
const rowsOf = (html: string) =>
  [...html.matchAll(/<tr><td data-label="When">[\s\S]*?<\/tr>/g)].map((m) =>
    [...m[0].matchAll(/<td data-label="([^"]+)"[^>]*>([\s\S]*?)<\/td>/g)]
      .filter(([, label]) => label !== "When")
      // As a reader sees the cell: no tags, character references decoded.
      .map(([, , cell]) =>
        cell!.replace(/<[^>]+>/g, "").replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))),
      ),
  );

/** A Kick event as the webhooks Worker keeps it: accepted with its body, then processed with our outcome. */
async function event(messageId: string, type: string, at: number, outcome: object | null) {
  await webhookEvents.recordAccepted(E.DB, {
    messageId,
    type,
    broadcasterUserId: CHANNEL,
    subscriptionId: "sub",
    sentAt: at,
    receivedAt: at,
    rawBody: JSON.stringify({ follower: { username: "RAW-BODY-viewer" } }),
  });
  if (outcome) await webhookEvents.processedStatement(E.DB, messageId, JSON.stringify(outcome), at + 1_000).run();
}

async function relayWithDeliveries() {
  await E.DB.prepare(
    "INSERT INTO relays (id, account_id, name, url, events, secret, created_at) VALUES ('r1', ?, 'zapier', ?, '[\"*\"]', ?, 0)",
  )
    .bind(CHANNEL, RELAY_URL, SEALED_SECRET)
    .run();
  const body = JSON.stringify({ type: "channel.followed", data: { follower: "DELIVERY-BODY-viewer" } });
  const insert = (id: string, status: string, attempts: number, lastStatus: number, at: number) =>
    E.DB.prepare(
      "INSERT INTO relay_deliveries (id, relay_id, message_id, body, status, attempts, last_status, created_at, updated_at) VALUES (?, 'r1', ?, ?, ?, ?, ?, ?, ?)",
    )
      .bind(id, `m-${id}`, body, status, attempts, lastStatus, at, at)
      .run();
  await insert("d1", "delivered", 1, 200, now - 7 * MIN);
  await insert("d2", "dead", 6, 503, now - 6 * MIN);
}

/** One of each, a minute apart, newest last; and another channel's trigger, which must not show. */
async function everything() {
  const { key } = await automationKeys.create(E.DB, {
    accountId: CHANNEL,
    name: "stream deck",
    capabilities: ["chat"],
    now,
  });
  await event("m1", "channel.followed", now - 10 * MIN, {
    announce: "not_go_live",
    snapshot: "not_kicks",
    reply: "posted",
    relays: ["delivered", "dead"],
  });
  await event("m2", "livestream.status.updated", now - 9 * MIN, null);
  await recordRefreshes(E.DB, [
    { account_id: CHANNEL, at: now - 8 * MIN, what: "scheduled", outcome: "ok", detail: null },
  ]);
  await relayWithDeliveries();
  await recordTriggers(E.DB, [[CHANNEL, now - 5 * MIN, "POST /v1/chat", "stream deck", "ok", 200]]);
  await recordTriggers(E.DB, [[CHANNEL, now - 4 * MIN, "GET /v1/announce", "stream deck", "ok", 200]]);
  await recordTriggers(E.DB, [[CHANNEL, now - 3 * MIN, "POST /v1/chat", "stream deck", "rate_limited", 429]]);
  await recordTriggers(E.DB, [[CHANNEL, now - 2 * MIN, "POST /v1/chat", "zap", "kick_unavailable", 502]]);
  await recordRefreshes(E.DB, [
    {
      account_id: CHANNEL,
      at: now - MIN,
      what: "on_demand",
      outcome: "needs_reconnect",
      detail: "Kick refused the refresh token (invalid_grant)",
    },
  ]);
  await accounts.connect(E.DB, {
    id: 2002,
    username: "other",
    role: "broadcaster",
    scopes: [],
    tokenExpiresAt: 0,
    now,
  });
  await recordTriggers(E.DB, [[2002, now, "POST /v1/chat", "OTHER-CHANNEL-key", "ok", 200]]);
  return key;
}

describe("the activity page", () => {
  it("shows triggers, Kick events, relay deliveries and refreshes, newest first, in plain words", async () => {
    await everything();
    const html = await activity();
    expect(html).toContain("demo_streamer's channel");
    expect(html).toMatch(/<a href="\/accounts\/1001\/activity" aria-current="page">Activity<\/a>/);
    expect(html).toContain('<table class="stack">');
    expect(rowsOf(html)).toEqual([
      [
        "Refresh",
        "token refresh (on demand)",
        "needs a re-connect: Kick no longer accepts kick-edge's sign-in for it (it expired, or access was removed on Kick). Re-connect it on the Keys page.",
      ],
      ["Trigger", "POST /v1/chat by key “zap”", "failed: kick_unavailable (502)"],
      ["Trigger", "POST /v1/chat by key “stream deck”", "refused: rate_limited (429)"],
      ["Trigger", "GET /v1/announce by key “stream deck”", "announced the stream"],
      ["Trigger", "POST /v1/chat by key “stream deck”", "posted in chat"],
      ["Relay delivery", "channel.followed to relay “zapier”", "dead after 6 attempts (5xx)"],
      ["Relay delivery", "channel.followed to relay “zapier”", "delivered (2xx)"],
      ["Refresh", "token refresh (scheduled)", "refreshed"],
      ["Kick event", "livestream.status.updated", "received; not processed yet"],
      ["Kick event", "channel.followed", "reply posted; relayed to 1 relay; 1 delivery dead"],
    ]);
    // Each time in the one format, which the page script shows in the viewer's zone.
    expect(html.match(/<td data-label="When"><time datetime="/g)).toHaveLength(10);
    expect(html).toContain(`data-label="What happened" class="bad">refused: rate_limited (429)`);
  });

  it("never shows a key, a relay's secret or URL, an event's body, or another channel's activity", async () => {
    const key = await everything();
    const pages = await Promise.all(
      ["", "?type=trigger", "?type=event", "?type=delivery", "?type=refresh"].map(activity),
    );
    for (const html of pages) {
      expect(html).not.toContain(key);
      expect(html).not.toContain(key.split("_")[1]);
      expect(html).not.toContain(SEALED_SECRET);
      expect(html).not.toContain("s3cr3t-path");
      expect(html).not.toContain("RAW-BODY");
      expect(html).not.toContain("DELIVERY-BODY");
      expect(html).not.toContain("OTHER-CHANNEL");
    }
  });

  it("filters by type with links, each its own address, the current one marked", async () => {
    await everything();
    const kinds = async (query: string) => {
      const html = await activity(query);
      return { html, types: [...new Set(rowsOf(html).map(([type]) => type))] };
    };
    for (const [query, label, type] of [
      ["?type=trigger", "Triggers", "Trigger"],
      ["?type=event", "Kick events", "Kick event"],
      ["?type=delivery", "Relay deliveries", "Relay delivery"],
      ["?type=refresh", "Refreshes", "Refresh"],
    ] as const) {
      const { html, types } = await kinds(query);
      expect(types).toEqual([type]);
      expect(html).toContain(`<a href="/accounts/1001/activity${query}" aria-current="page">${label}</a>`);
    }
    expect((await kinds("?type=trigger")).html.match(/data-label="Type">Trigger</g)).toHaveLength(4);
    // A type it does not know shows everything, as the page's own link does.
    const unknown = await kinds("?type=constructor");
    expect(unknown.types).toHaveLength(4);
    expect(unknown.html).toContain('<a href="/accounts/1001/activity" aria-current="page">Everything</a>');
  });

  it("says when there is nothing yet", async () => {
    expect(await activity()).toContain("<p>Nothing yet.</p>");
    expect(await activity("?type=delivery")).toContain("<p>Nothing of this type yet.</p>");
  });
});

describe("the words for triggers", () => {
  it("has words for every action that changes something, so none shows as a bare “done”", () => {
    const mutating = API_ACTIONS.filter((a) => a.mutating).map((a) => `${a.method} ${a.path}`);
    expect(mutating.filter((k) => !(k in DONE))).toEqual([]);
  });
});
