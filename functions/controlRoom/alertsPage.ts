import { html } from "../../shared/http/html";
import { csrfField, when } from "../../shared/pages/layout";
import { ALERT_RETENTION, alertStatement, recentAlerts, type Alert } from "../../shared/storage/alertsStore";
import { REPLY_EVENTS, REPLY_PLACEHOLDERS, type ReplyEvent } from "../../shared/webhooks/replyToEvent";
import { after, formFields, type Room, roomPage, roomUrl } from "./frame";
import type { RoomRoute } from "./index";

const PATH = "/setup/alerts";

/**
 * Per event: what a streamer calls it, its template parameter on the overlay's URL and the
 * default (as public/overlay/alerts.js has them), and what its sample shows.
 */
export const ALERT_TYPES: Record<ReplyEvent, [label: string, param: string, template: string, sample: Partial<Alert>]> =
  {
    "channel.followed": ["follow", "follow", "{user} followed!", {}],
    "channel.subscription.new": ["subscription", "sub", "{user} subscribed!", { amount: 1 }],
    "channel.subscription.renewal": ["resub", "resub", "{user} resubscribed: {months} months!", { amount: 6 }],
    "channel.subscription.gifts": ["gifted subs", "giftsub", "{user} gifted {count} subs!", { amount: 5 }],
    "kicks.gifted": ["KICKs", "kicks", "{user} sent {amount} KICKs!", { amount: 500, reward: "Hype", message: "GG!" }],
    "channel.reward.redemption.updated": [
      "redemption",
      "redeem",
      "{user} redeemed {reward}!",
      { amount: 1000, reward: "Hydrate", message: "A sip of water, please" },
    ],
  };

const code = (text: string) => html`<code>${text}</code>`;

/** Where the overlay is, how to put it in OBS, its options, a sample per type, and the latest alerts. */
async function show(room: Room) {
  const base = (room.env.AUTOMATIONS_URL || "https://<automations>").replace(/\/$/, "");
  const recent = await recentAlerts(room.env.DB, room.account.id, 10);
  const rows = recent.map(
    (a) =>
      html`<tr><td>${when(a.at)}</td><td data-label="Alert">${ALERT_TYPES[a.type as ReplyEvent]?.[0] ?? a.type}: ${[a.username, a.amount, a.reward, a.message].filter((v) => v !== null).join(" · ")}</td></tr>`,
  );
  return roomPage(room, {
    title: "Alerts",
    current: PATH,
    body: html`<p>The alerts overlay shows this channel's follows, subscriptions, gifted subs, KICKs and redemptions in OBS as they happen, one at a time, over a transparent background.</p>
<h2>Add it to OBS</h2><div class="card"><ol>
<li>On the <a href="/accounts/${room.account.id}">Keys</a> page, make a key with the <strong>OBS overlay</strong> preset: it can only show the overlays. Copy it (it is shown once).</li>
<li>In OBS, <strong>Sources → + → Browser</strong>, sized as your canvas (1920 × 1080) or a box on it (800 × 600), with this URL, your key in place of ${code("KEY")}:
<pre id="overlay-url">${base}/overlay/alerts?key=KEY</pre></li></ol>
<p class="muted">Kick sends the events within about ten minutes of the key being made. The overlay asks every 1.5 s, about 40 of a key's 60 calls a minute: one key per computer showing it.</p>
<p>Add to the URL: ${code("&sound=1")} a short chime; ${code("&duration=5")} seconds each stays (2 to 30); ${code("&theme=light")} or ${code("clear")}; a template per alert, with the event replies' placeholders (${code("&follow=")} empty turns follows off; write ${code("#")} as ${code("%23")}, ${code("&")} as ${code("%26")}):</p>
<table class="stack"><thead><tr><th>Template and default</th><th>Placeholders</th></tr></thead><tbody>${REPLY_EVENTS.map(
      (e) =>
        html`<tr><td>${code(`&${ALERT_TYPES[e][1]}=${ALERT_TYPES[e][2]}`)}</td><td data-label="Placeholders">${REPLY_PLACEHOLDERS[e].map((p) => `{${p}} `)}</td></tr>`,
    )}</tbody></table></div>
<h2>Send a sample</h2><div class="card"><p>It reaches every open alerts overlay of this channel within two seconds; nothing goes to chat or relays.</p>
<div class="row">${REPLY_EVENTS.map(
      (e) =>
        html`<form class="inline" method="post" action="${roomUrl(room, PATH)}/sample">${csrfField(room.csrf)}<input type="hidden" name="type" value="${e}"><button class="secondary" id="sample-${ALERT_TYPES[e][1]}">Sample ${ALERT_TYPES[e][0]}</button></form>`,
    )}</div></div>
<h2>Latest alerts</h2><div class="card">${rows.length ? html`<table class="stack"><thead><tr><th>When</th><th>Alert</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p>No alerts yet.</p>`}
<p class="muted">The newest ${ALERT_RETENTION.perAccount} are kept for a day.</p></div>`,
  });
}

/** A sample alert, written as the webhooks Worker writes a real one. */
async function sample(room: Room, request: Request) {
  const type = (await formFields(request)).get("type") ?? "";
  const known = Object.hasOwn(ALERT_TYPES, type) ? ALERT_TYPES[type as ReplyEvent] : null;
  if (!known) return after(room, PATH, { notice: { text: "There is no such alert." } });
  const { amount = null, reward = null, message = null } = known[3];
  await alertStatement(
    room.env.DB,
    room.account.id,
    { type, username: "sample_viewer", amount, reward, message },
    room.now,
  ).run();
  return after(room, PATH, {
    notice: { ok: true, text: `Sample ${known[0]} alert sent: an open alerts overlay shows it within two seconds.` },
  });
}

export const ALERT_ROUTES: RoomRoute[] = [
  ["GET", PATH, (room) => show(room)],
  ["POST", `${PATH}/sample`, sample],
];
