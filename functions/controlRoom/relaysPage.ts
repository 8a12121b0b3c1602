import { html } from "../../shared/http/html";
import { EVENT_TYPES, type EventType } from "../../shared/kick/schemas/events";
import { csrfField, fieldError, invalid, when } from "../../shared/pages/layout";
import { relays } from "../../shared/storage/rulesStore";
import type { relayDeliveriesOf } from "../../shared/storage/webhookStore";
import { searchParamsToInput } from "../../shared/validation/searchParamsToInput";
import { NAMED_ONLY_EVENTS, RELAY_POLICY, type RelayFailure } from "../../shared/webhooks/relayPolicy";
import { httpHostList } from "../../shared/webhooks/relayTarget";
import {
  createRelay,
  deleteRelay,
  listRelayDeliveries,
  retryRelayDelivery,
  rotateRelaySecret,
} from "../rules/actions/events";
import { rulesSettings, type RulesEnv } from "../rules/settings";
import {
  after,
  formError,
  formFields,
  roomPage,
  runAction,
  type FieldErrors,
  type Room,
  subscribeNow,
  roomUrl,
} from "./frame";
import type { RoomRoute } from "./index";

const PATH = "/setup/relays";

const EVENT_WORDS: Record<EventType, string> = {
  "chat.message.sent": "Chat messages (every one: many)",
  "channel.followed": "Follows",
  "channel.subscription.new": "New subscriptions",
  "channel.subscription.renewal": "Resubscriptions",
  "channel.subscription.gifts": "Gifted subscriptions",
  "channel.reward.redemption.updated": "Reward redemptions",
  "livestream.status.updated": "Going live and ending the stream",
  "livestream.metadata.updated": "Stream title or category changes",
  "moderation.banned": "Bans and timeouts",
  "kicks.gifted": "KICKs gifts",
};
const EVERY = EVENT_TYPES.filter((e) => !NAMED_ONLY_EVENTS.includes(e));

/** Why an attempt got no answer, in words (the deliveries list and a test's outcome alike). */
const FAILURE_WORDS: Record<RelayFailure, string> = {
  unreachable: `no answer: the host could not be reached, or took over ${RELAY_POLICY.timeoutMs / 1000} seconds`,
  target_refused: "not sent: this URL is not allowed here (https to a public host)",
  relay_deleted: "not sent: there is no such relay",
  relay_disabled: "not sent: the relay is disabled",
  secret_unreadable: "not sent: its secret no longer opens (the encryption key changed)",
};

const SIGNING_NOTE =
  "Give it to the receiver: every delivery's X-Kick-Edge-Signature header is t=<unix seconds>,v1=<hex>, where v1 is HMAC-SHA256 with this secret over “<t>.<raw body>”. Accept a delivery when a v1 matches and t is within 5 minutes (docs/webhooks.md).";

const hours = (ms: number) => (ms < 3_600_000 ? `${ms / 60_000} min` : `${ms / 3_600_000} h`);
const RETRY_WORDS = `tried at once, then by the webhooks Worker's minute cron after ${RELAY_POLICY.delaysMs.slice(1).map(hours).join(", ")} when the receiver cannot be reached, takes over ${RELAY_POLICY.timeoutMs / 1000} seconds, or answers 408, 429 or 5xx`;

/** The add form as sent: `scope` "all" is the API's default (events left out). */
interface RelayForm {
  name: string;
  url: string;
  scope: "all" | "some";
  events: string[];
}
const blank: RelayForm = { name: "", url: "", scope: "all", events: [] };

type Delivery = Awaited<ReturnType<typeof relayDeliveriesOf>>[number];
const STATUSES = ["pending", "delivered", "dead"] as const;

const eventsText = (events: string[]) => {
  const chat = NAMED_ONLY_EVENTS.filter((e) => events.includes(e)).map((e) => EVENT_WORDS[e as EventType]);
  if (events.includes("*") || EVERY.every((e) => events.includes(e)))
    return ["All events but chat messages", ...chat].join(", and ");
  return events.map((e) => EVENT_WORDS[e as EventType] ?? e).join(", ");
};

const lastResult = (d: Delivery) =>
  d.last_result === null
    ? "not tried yet"
    : (FAILURE_WORDS[d.last_result as RelayFailure] ?? `answered ${d.last_result}`);

/** A row's button: a form posting the relay's (or delivery's) id, and its name for the notice. */
const rowButton = (room: Room, to: string, id: string, name: string, label: string, text: string, danger = false) =>
  html`<form class="inline" method="post" action="${roomUrl(room, PATH)}/${to}">${csrfField(room.csrf)}<input type="hidden" name="id" value="${id}"><input type="hidden" name="name" value="${name}"><button class="${danger ? "danger" : "secondary"}" aria-label="${label}">${text}</button></form>`;

/** The relays, the form that adds one, and the deliveries (`?status=dead`: the dead ones). */
async function show(room: Room, sent?: RelayForm, errors?: FieldErrors) {
  const list = await relays.listWithDeliveryCounts(room.env.DB, room.account.id);
  // The rules Worker's vars, which the control room's section of wrangler.toml repeats.
  const { MAX_RELAYS_PER_ACCOUNT: limit, RELAY_HTTP_HOSTS } = rulesSettings(room.env as unknown as RulesEnv);
  const local = httpHostList(RELAY_HTTP_HOSTS);
  const form = sent ?? blank;
  const status = room.url.searchParams.get("status");
  const listed = await runAction<Delivery[]>(
    room,
    listRelayDeliveries,
    searchParamsToInput(listRelayDeliveries.input, room.url.searchParams),
  );
  const rows = list.map(
    (r) => html`<tr><td>${r.name}</td><td data-label="URL"><code>${r.url}</code></td>
<td data-label="Events">${eventsText(JSON.parse(r.events) as string[])}</td>
<td data-label="Status">${r.disabled_at === null ? "active" : html`<span class="bad">disabled</span> ${when(r.disabled_at)}: ${r.disabled_reason}`}${(r.previous_secret_until ?? 0) > room.now ? html`<br><span class="muted">The old secret also signs until ${when(r.previous_secret_until)}.</span>` : ""}</td>
<td data-label="Deliveries">${r.delivered} delivered, ${r.pending} pending, ${r.dead} dead</td>
<td data-label="Created">${when(r.created_at)}</td>
<td><div class="row">${r.disabled_at === null ? rowButton(room, "test", r.id, r.name, `Send test to ${r.name}`, "Send test") : ""}
${rowButton(room, "rotate", r.id, r.name, `Rotate secret of ${r.name}`, "Rotate secret")}
${rowButton(room, "delete", r.id, r.name, `Delete ${r.name}`, "Delete", true)}</div></td></tr>`,
  );
  const deliveries = (listed.ok ? listed.data : []).map(
    (
      d,
    ) => html`<tr><td>${when(d.updated_at)}</td><td data-label="Relay">${d.relay}</td><td data-label="Event">${d.type}</td>
<td data-label="Status">${d.status}${d.status === "pending" ? html` <span class="muted">(next try ${when(d.next_attempt_at)})</span>` : ""}</td>
<td data-label="Attempts">${d.attempts}</td><td data-label="Last try">${lastResult(d)}</td>
<td>${d.status === "dead" ? rowButton(room, "retry", d.id, d.relay, `Retry ${d.type} to ${d.relay}`, "Retry") : ""}</td></tr>`,
  );
  const filter = [["", "All"], ...STATUSES.map((s) => [s, s[0]!.toUpperCase() + s.slice(1)])].map(
    ([s, label]) =>
      html`<a href="${s ? `?status=${s}` : "?"}#deliveries"${(status ?? "") === s ? html` aria-current="page"` : ""}>${label}</a>`,
  );
  return roomPage(room, {
    title: "Relays",
    current: PATH,
    status: errors ? 400 : 200,
    body: html`<p>A relay sends this channel's events, signed, to a URL that takes a POST: a Zapier or IFTTT webhook, Streamer.bot, Firebot. Each delivery is ${RETRY_WORDS}. A receiver that answers 410 Gone disables its relay. At most ${limit} relays.</p>
<div class="card">${list.length ? html`<table class="stack"><thead><tr><th>Name</th><th>URL</th><th>Events</th><th>Status</th><th>Deliveries</th><th>Created</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : html`<p>No relays yet.</p>`}
<p class="muted">Send test posts a signed sample follow, marked <code>"test": true</code>, to the relay's URL now, and keeps nothing. Rotate secret shows a new secret once; the old one keeps signing beside it for ${RELAY_POLICY.secretOverlapHours} hours, so the receiver keeps working while you change it.</p></div>
<h2>Add a relay</h2>
${
  list.length >= limit
    ? html`<p class="card">This channel has ${limit} relays, the most it may have: delete one to add another.</p>`
    : html`<form class="card" id="relay-form" method="post" action="${roomUrl(room, PATH)}">${csrfField(room.csrf)}${formError(errors)}
<label>Name (up to 40 letters, digits, spaces, dots, dashes or underscores) <input type="text" name="name" maxlength="40" required value="${form.name}"${invalid("name", errors?.name)}></label>${fieldError("name", errors?.name)}
<label>URL (https to a public host${local.length ? `, or http to ${local.join(", ")} in local development` : ""}) <input type="url" name="url" maxlength="2000" required value="${form.url}"${invalid("url", errors?.url)}></label>${fieldError("url", errors?.url)}
<fieldset${invalid("events", errors?.events)}><legend>Events</legend>
<label><input type="radio" name="scope" value="all"${form.scope === "all" ? " checked" : ""}> All events but chat messages</label>
<label><input type="radio" name="scope" value="some"${form.scope === "some" ? " checked" : ""}> Only the ones ticked below</label>
${EVENT_TYPES.map((e) => html`<label><input type="checkbox" name="events" value="${e}"${form.events.includes(e) ? " checked" : ""}> ${EVENT_WORDS[e]} <code class="muted">${e}</code></label>`)}
<p class="muted">Chat messages come only when ticked, with All events too.</p></fieldset>${fieldError("events", errors?.events)}
<p><button id="save-relay">Add relay</button></p></form>`
}
<h2 id="deliveries">Deliveries</h2>
<p>The latest 50, newest first. After the last attempt, or an answer not worth retrying, a delivery is dead: Retry queues it again, and the webhooks Worker's minute cron sends it.</p>
<nav class="row sub" aria-label="Deliveries by status">${filter}</nav>${listed.ok ? "" : html`<p class="bad" role="alert">${Object.entries(listed.errors).map(([field, reason]) => `${field} ${reason}.`)}</p>`}
<div class="card">${deliveries.length ? html`<table class="stack"><thead><tr><th>When</th><th>Relay</th><th>Event</th><th>Status</th><th>Attempts</th><th>Last try</th><th></th></tr></thead><tbody>${deliveries}</tbody></table>` : html`<p>No ${listed.ok && status ? `${status} ` : ""}deliveries.</p>`}</div>`,
  });
}

async function save(room: Room, request: Request) {
  const form = await formFields(request);
  const input = searchParamsToInput(createRelay.input, form);
  const sent: RelayForm = {
    name: form.get("name") ?? "",
    url: form.get("url") ?? "",
    scope: form.get("scope") === "some" ? "some" : "all",
    events: form.getAll("events"),
  };
  // All events is the API's default (events left out); chat messages join it only when ticked.
  if (sent.scope === "some") input.events = sent.events;
  else if (sent.events.some((e) => NAMED_ONLY_EVENTS.includes(e))) input.events = [...EVENT_TYPES];
  else delete input.events;
  const done = await runAction<{ name: string; secret: string }>(room, createRelay, input);
  if (!done.ok) return show(room, sent, done.errors);
  await subscribeNow(room);
  return after(room, PATH, {
    notice: { ok: true, text: `Relay “${done.data.name}” added. Send it a test to see the receiver take it.` },
    secret: { label: `Signing secret of “${done.data.name}”`, value: done.data.secret, note: SIGNING_NOTE },
  });
}

/**
 * A row button's form: the id the action takes, and the name the notice says. A relay's name is
 * looked up by this channel's relay id, never taken from the form: a stale page must not label a
 * once-shown secret with another relay's name. (A delivery's relay name only words a notice.)
 */
const rowForm = async (room: Room, request: Request, relay = true) => {
  const form = await formFields(request);
  const id = form.get("id") ?? "";
  const name = relay
    ? ((await relays.listWithDeliveryCounts(room.env.DB, room.account.id)).find((r) => r.id === id)?.name ??
      "that relay")
    : (form.get("name") ?? "").slice(0, 40);
  return { id, name };
};
const refused = (errors: FieldErrors) => ({ text: Object.values(errors).join(" ") });

async function rotate(room: Room, request: Request) {
  const { id, name } = await rowForm(room, request);
  const done = await runAction<{ secret: string }>(room, rotateRelaySecret, { id });
  if (!done.ok) return after(room, PATH, { notice: refused(done.errors) });
  return after(room, PATH, {
    notice: {
      ok: true,
      text: `“${name}” has a new secret. The old one keeps signing beside it for ${RELAY_POLICY.secretOverlapHours} hours: give the receiver the new one before then.`,
    },
    secret: { label: `New signing secret of “${name}”`, value: done.data.secret, note: SIGNING_NOTE },
  });
}

async function remove(room: Room, request: Request) {
  const { id, name } = await rowForm(room, request);
  const done = await runAction(room, deleteRelay, { id });
  return after(room, PATH, {
    notice: done.ok ? { ok: true, text: `Relay “${name}” deleted, with its deliveries.` } : refused(done.errors),
  });
}

/** In words: what the receiver answered and how long it took, or why nothing was sent. */
async function sendTest(room: Room, request: Request) {
  const { id, name } = await rowForm(room, request);
  const { ok, status, ms, problem } = await room.env.RELAY_TESTS.send(room.account.id, id);
  let text: string;
  if (status === undefined) text = FAILURE_WORDS[problem ?? "unreachable"];
  else if (ok) text = `the receiver answered ${Math.floor(status / 100)}xx (success) in ${ms} ms`;
  else if (status === RELAY_POLICY.goneStatus)
    text = `the receiver answered 410 Gone in ${ms} ms: it wants no more deliveries, and a real delivery answered so would disable this relay`;
  else
    text = `the receiver answered ${Math.floor(status / 100)}xx in ${ms} ms: a real delivery ${RELAY_POLICY.retryable(status) ? "would be tried again later" : "would not be tried again"}`;
  return after(room, PATH, { notice: { ok, text: `Test to “${name}”: ${text}.` } });
}

async function retry(room: Room, request: Request) {
  const { id, name } = await rowForm(room, request, false);
  const done = await runAction(room, retryRelayDelivery, { id });
  return after(room, `${PATH}#deliveries`, {
    notice: done.ok
      ? { ok: true, text: `The delivery to “${name}” is queued again: the webhooks Worker's minute cron sends it.` }
      : refused(done.errors),
  });
}

export const RELAY_ROUTES: RoomRoute[] = [
  ["GET", PATH, (room) => show(room)],
  ["POST", PATH, save],
  ["POST", `${PATH}/test`, sendTest],
  ["POST", `${PATH}/rotate`, rotate],
  ["POST", `${PATH}/delete`, remove],
  ["POST", `${PATH}/retry`, retry],
];
