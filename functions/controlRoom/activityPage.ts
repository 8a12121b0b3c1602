import { html, type SafeHtml } from "../../shared/http/html";
import { reconnectWords, when } from "../../shared/pages/layout";
import { activityOf, ACTIVITY_RETENTION, type ActivityRow } from "../../shared/storage/activityStore";
import { relayDeliveriesOf, webhookEventsOf } from "../../shared/storage/webhookStore";
import { roomPage, type Room, roomUrl } from "./frame";
import type { RoomRoute } from "./index";

const PATH = "/activity";
/** Rows a page shows: each source is read this far, then they are merged. */
const ROWS = 100;

/** The `?type=` filter, in the order its links are shown. */
const TYPES = {
  trigger: "Triggers",
  event: "Kick events",
  delivery: "Relay deliveries",
  refresh: "Refreshes",
} as const;
type Type = keyof typeof TYPES;
const TYPE_LABEL: Record<Type, string> = {
  trigger: "Trigger",
  event: "Kick event",
  delivery: "Relay delivery",
  refresh: "Refresh",
};

/** One line of the page: when, which source, what it was, and what came of it in plain words. */
interface Entry {
  at: number;
  type: Type;
  what: string;
  happened: string | SafeHtml;
  bad: boolean;
}

/**
 * What a trigger that worked did, by the action's method and path template. An action missing
 * here still shows, as "done": the words are the page's, the truth is the status.
 */
export const DONE: Record<string, string> = {
  "POST /v1/chat": "posted in chat",
  "DELETE /v1/chat/:message_id": "deleted a chat message",
  "POST /v1/announce": "announced the stream",
  "POST /v1/ban": "banned a chatter",
  "POST /v1/timeout": "timed out a chatter",
  "POST /v1/unban": "unbanned a chatter",
  "POST /v1/channel": "changed the stream's title, category or tags",
  "POST /v1/rewards": "created a reward",
  "PATCH /v1/rewards/:id": "changed a reward",
  "DELETE /v1/rewards/:id": "deleted a reward",
  "POST /v1/redemptions/accept": "accepted redemptions",
  "POST /v1/redemptions/reject": "rejected redemptions",
  "POST /v1/kicks/snapshot": "took a KICKs snapshot",
  "POST /v1/announce/rule": "set the go-live announcement",
  "POST /v1/events/subscriptions/sync": "synced Kick's event subscriptions",
  "POST /v1/events/replies": "set an event reply",
  "DELETE /v1/events/replies/:event": "removed an event reply",
  "POST /v1/events/relays": "created a relay",
  "POST /v1/events/relays/:id/rotate-secret": "gave a relay a new secret",
  "DELETE /v1/events/relays/:id": "deleted a relay",
  "POST /v1/events/deliveries/:id/retry": "queued a dead delivery again",
  "POST /v1/timers": "saved a timer",
  "DELETE /v1/timers/:name": "deleted a timer",
};

function trigger(row: ActivityRow): Entry {
  const base = { at: row.at, type: "trigger" as const, what: `${row.what} by key “${row.key_name}”` };
  if (row.outcome === "ok")
    // A Stream Deck button GETs what the API POSTs: the same action, the same words.
    return { ...base, happened: DONE[row.what] ?? DONE[row.what.replace(/^GET /, "POST ")] ?? "done", bad: false };
  if (row.outcome === "replay")
    return { ...base, happened: `a retry: answered as the first time (${row.status}), nothing done twice`, bad: false };
  const failed = (row.status ?? 500) >= 500;
  return { ...base, happened: `${failed ? "failed" : "refused"}: ${row.outcome} (${row.status})`, bad: true };
}

function refresh(row: ActivityRow, accountId: number): Entry {
  const base = {
    at: row.at,
    type: "refresh" as const,
    what: `token refresh (${row.what === "scheduled" ? "scheduled" : "on demand"})`,
  };
  if (row.outcome === "ok") return { ...base, happened: "refreshed", bad: false };
  if (row.outcome === "needs_reconnect")
    return {
      ...base,
      happened: html`needs a re-connect: ${reconnectWords(row.detail)}. <a href="/accounts/${accountId}">Re-connect it on the Keys page</a>.`,
      bad: true,
    };
  return { ...base, happened: `failed: ${row.outcome}; it will be tried again`, bad: true };
}

/** A step's failure as stored (errorLabel: a code or a class name); anything else is not ours to show. */
const label = (value: unknown) => (typeof value === "string" && /^[\w.-]{1,60}$/.test(value) ? value : "error");
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** An event unprocessed this long is past the cron's re-runs (webhookStore: 2 minutes lost, 3 tries). */
const STILL_RUNNING_MS = 30 * 60_000;

/**
 * What an event's processing came to, from the outcome it recorded (functions/webhooks/processEvent.ts):
 * read field by field, never shown as it is.
 */
function eventHappened(
  e: { received_at: number; processed_at: number | null; outcome: string | null },
  now: number,
): { happened: string; bad: boolean } {
  // The cron re-runs an event a lost run left, a few times within minutes; after that it stays as it is.
  if (e.processed_at === null)
    return now - e.received_at < STILL_RUNNING_MS
      ? { happened: "received; not processed yet", bad: false }
      : { happened: "received, but never processed (its run was lost)", bad: true };
  let o: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(e.outcome ?? "{}");
    if (parsed && typeof parsed === "object") o = parsed as Record<string, unknown>;
  } catch {
    // Not ours to show: read as an outcome that said nothing.
  }
  if (o.account === "not_connected") return { happened: "ignored: the channel is not connected", bad: false };
  const said: string[] = [];
  let bad = false;
  if (o.announce === "posted") said.push("announced the stream");
  if (o.announce === "already_announced") said.push("the stream was already announced");
  if (Array.isArray(o.snapshot) && o.snapshot.length) said.push("KICKs leaderboard updated");
  if (o.reply === "posted") said.push("reply posted");
  if (o.reply === "cooldown") said.push("no reply: its cooldown was running");
  for (const step of ["announce", "snapshot", "reply"]) {
    const result = o[step] as { error?: unknown } | undefined;
    if (result && typeof result === "object" && "error" in result) {
      said.push(`${step} failed (${label(result.error)})`);
      bad = true;
    }
  }
  const relays = Array.isArray(o.relays) ? (o.relays as unknown[]) : [];
  const count = (status: string) => relays.filter((r) => r === status).length;
  if (count("delivered")) said.push(`relayed to ${plural(count("delivered"), "relay", "relays")}`);
  const waiting = count("pending") + count("queued");
  if (waiting) said.push(`${plural(waiting, "delivery", "deliveries")} pending`);
  if (count("dead")) {
    said.push(`${plural(count("dead"), "delivery", "deliveries")} dead`);
    bad = true;
  }
  return { happened: said.join("; ") || "nothing to do", bad };
}

type Delivery = Awaited<ReturnType<typeof relayDeliveriesOf>>[number];

function delivery(d: Delivery): Entry {
  const base = { at: d.updated_at, type: "delivery" as const, what: `${d.type} to relay “${d.relay}”` };
  const last = d.last_result ? ` (${d.last_result})` : "";
  if (d.status === "delivered") return { ...base, happened: `delivered${last}`, bad: false };
  if (d.status === "dead")
    return { ...base, happened: `dead after ${plural(d.attempts, "attempt", "attempts")}${last}`, bad: true };
  return {
    ...base,
    happened: d.attempts ? `${plural(d.attempts, "attempt", "attempts")} so far${last}; retrying` : "queued",
    bad: false,
  };
}

/** The newest of each source the filter shows, merged, newest first. */
async function entries(room: Room, type: Type | null): Promise<Entry[]> {
  const db = room.env.DB;
  const id = room.account.id;
  const want = (t: Type) => type === null || type === t;
  const [own, events, deliveries] = await Promise.all([
    want("trigger") || want("refresh")
      ? activityOf(db, id, type === "trigger" || type === "refresh" ? type : null, ROWS)
      : [],
    want("event") ? webhookEventsOf(db, id, ROWS) : [],
    want("delivery") ? relayDeliveriesOf(db, id, null, ROWS) : [],
  ]);
  return [
    ...own.map((row) => (row.kind === "trigger" ? trigger(row) : refresh(row, room.account.id))),
    ...events.map((e) => ({
      at: e.received_at,
      type: "event" as const,
      what: e.type,
      ...eventHappened(e, room.now),
    })),
    ...deliveries.map(delivery),
  ]
    .sort((a, b) => b.at - a.at)
    .slice(0, ROWS);
}

/** The filter: links, so each view has its own address and the keyboard reaches it like any link. */
const filters = (room: Room, type: Type | null): SafeHtml => {
  const link = (value: Type | null, text: string) =>
    html`<a href="${roomUrl(room, PATH)}${value ? `?type=${value}` : ""}"${value === type ? html` aria-current="page"` : ""}>${text}</a>`;
  return html`<nav class="row sub" aria-label="Filter by type">${link(null, "Everything")}${(Object.keys(TYPES) as Type[]).map((t) => link(t, TYPES[t]))}</nav>`;
};

async function show(room: Room) {
  const asked = room.url.searchParams.get("type");
  const type = asked && Object.hasOwn(TYPES, asked) ? (asked as Type) : null;
  const list = await entries(room, type);
  const rows = list.map(
    (e) => html`<tr><td data-label="When">${when(e.at)}</td><td data-label="Type">${TYPE_LABEL[e.type]}</td>
<td data-label="What">${e.what}</td><td data-label="What happened"${e.bad ? html` class="bad"` : ""}>${e.happened}</td></tr>`,
  );
  const days = ACTIVITY_RETENTION.maxAgeMs / 86_400_000;
  return roomPage(room, {
    title: "Activity",
    current: PATH,
    body: html`<p>What happened lately, newest first: trigger calls that did something or were refused (reads that worked, such as an overlay or a Zap polling, are left out, and a refusal repeated within a minute is shown once), Kick's events, relay deliveries and token refreshes. The newest ${ROWS} are shown. Triggers and refreshes are kept ${days} days (at most the newest ${ACTIVITY_RETENTION.perAccount}); Kick events and delivered relays 7 days, dead deliveries 30.</p>
${filters(room, type)}
<div class="card">${
      list.length
        ? html`<table class="stack"><thead><tr><th>When</th><th>Type</th><th>What</th><th>What happened</th></tr></thead><tbody>${rows}</tbody></table>`
        : html`<p>Nothing ${type ? `of this type ` : ""}yet.</p>`
    }</div>`,
  });
}

export const ACTIVITY_ROUTES: RoomRoute[] = [["GET", PATH, (room) => show(room)]];
