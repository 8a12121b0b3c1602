import { html } from "../../shared/http/html";
import { csrfField, fieldError, invalid, when } from "../../shared/pages/layout";
import { TIMER_LIMITS, timers, type TimerRow } from "../../shared/storage/rulesStore";
import { deleteTimer, setTimer } from "../rules/actions/timers";
import {
  after,
  formError,
  formFields,
  formInput,
  roomPage,
  runAction,
  type FieldErrors,
  type Room,
  roomUrl,
} from "./frame";
import type { RoomRoute } from "./index";

const PATH = "/setup/timers";

/** A timer as the form holds it: the one being changed, or what was sent with its problems. */
interface TimerForm {
  name: string;
  message: string;
  interval_minutes: number | string;
  enabled: boolean;
}

const blank: TimerForm = { name: "", message: "", interval_minutes: 15, enabled: true };
const formOf = (timer: TimerRow): TimerForm => ({ ...timer, enabled: timer.enabled === 1 });

/** The timers, and the form that adds one or changes one (`?edit=<name>` fills it in). */
async function show(room: Room, sent?: TimerForm, errors?: FieldErrors) {
  const list = await timers.list(room.env.DB, room.account.id);
  const editing = list.find((t) => t.name === room.url.searchParams.get("edit"));
  const form = sent ?? (editing ? formOf(editing) : blank);
  const full = list.length >= TIMER_LIMITS.perAccount && !editing && !sent;
  const rows = list.map(
    (t) => html`<tr><td>${t.name}</td><td data-label="Message">${t.message}</td>
<td data-label="Every">${t.interval_minutes} min</td><td data-label="State">${t.enabled ? "on" : "off"}</td>
<td data-label="Last posted">${when(t.last_posted_at)}</td>
<td><div class="row"><a class="btn secondary" href="?edit=${encodeURIComponent(t.name)}#timer-form" aria-label="Change ${t.name}">Change</a>
<form class="inline" method="post" action="${roomUrl(room, PATH)}/toggle">${csrfField(room.csrf)}<input type="hidden" name="name" value="${t.name}"><button class="secondary" aria-label="Turn ${t.enabled ? "off" : "on"} ${t.name}">Turn ${t.enabled ? "off" : "on"}</button></form>
<form class="inline" method="post" action="${roomUrl(room, PATH)}/delete">${csrfField(room.csrf)}<input type="hidden" name="name" value="${t.name}"><button class="danger" aria-label="Delete ${t.name}">Delete</button></form></div></td></tr>`,
  );
  return roomPage(room, {
    title: "Timers",
    current: PATH,
    status: errors ? 400 : 200,
    body: html`<p>A timer posts its message in chat every so many minutes while the channel is live (checked each minute), never while offline. At most ${TIMER_LIMITS.perAccount} timers, each at least ${TIMER_LIMITS.minIntervalMinutes} minutes apart; every chat post counts toward the channel's 20 a minute.</p>
<div class="card">${list.length ? html`<table class="stack"><thead><tr><th>Name</th><th>Message</th><th>Every</th><th>State</th><th>Last posted</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : html`<p>No timers yet.</p>`}</div>
<h2>${editing && !sent ? `Change “${editing.name}”` : "Add a timer"}</h2>
${
  full
    ? html`<p class="card">This channel has ${TIMER_LIMITS.perAccount} timers, the most it may have: delete one to add another.</p>`
    : html`<form class="card" id="timer-form" method="post" action="${roomUrl(room, PATH)}">${csrfField(room.csrf)}${formError(errors)}
<label>Name (saving under an existing name changes that timer) <input type="text" name="name" maxlength="40" required value="${form.name}"${invalid("name", errors?.name)}></label>${fieldError("name", errors?.name)}
<label>Message <textarea name="message" rows="3" maxlength="500" required${invalid("message", errors?.message)}>${form.message}</textarea></label>${fieldError("message", errors?.message)}
<label>Every how many minutes (${TIMER_LIMITS.minIntervalMinutes} to 1440) <input type="number" name="interval_minutes" min="${TIMER_LIMITS.minIntervalMinutes}" max="1440" required value="${form.interval_minutes}"${invalid("interval_minutes", errors?.interval_minutes)}></label>${fieldError("interval_minutes", errors?.interval_minutes)}
<input type="hidden" name="enabled" value="false"><label><input type="checkbox" name="enabled" value="true"${form.enabled ? " checked" : ""}> On: post it while live</label>
<p><button id="save-timer">Save timer</button></p></form>`
}`,
  });
}

async function save(room: Room, request: Request) {
  const input = await formInput(request, setTimer);
  const done = await runAction<{ name: string }>(room, setTimer, input);
  if (!done.ok) return show(room, { ...blank, ...input, enabled: input.enabled !== false } as TimerForm, done.errors);
  return after(room, PATH, { notice: { ok: true, text: `Timer “${done.data.name}” saved.` } });
}

/** On to off and back, keeping the message and interval. */
async function toggle(room: Room, request: Request) {
  const name = ((await formFields(request)).get("name") ?? "").slice(0, 40);
  const timer = (await timers.list(room.env.DB, room.account.id)).find((t) => t.name === name);
  if (!timer) return after(room, PATH, { notice: { text: `There is no timer called “${name}”.` } });
  const done = await runAction(room, setTimer, { ...formOf(timer), enabled: timer.enabled !== 1 });
  const text = done.ok
    ? `Timer “${name}” turned ${timer.enabled ? "off" : "on"}.`
    : Object.values(done.errors).join(" ");
  return after(room, PATH, { notice: { ok: done.ok, text } });
}

async function remove(room: Room, request: Request) {
  const done = await runAction(room, deleteTimer, await formInput(request, deleteTimer));
  const name = done.ok ? (done.data as { deleted: string }).deleted : "";
  return after(room, PATH, {
    notice: done.ok ? { ok: true, text: `Timer “${name}” deleted.` } : { text: Object.values(done.errors).join(" ") },
  });
}

export const TIMER_ROUTES: RoomRoute[] = [
  ["GET", PATH, (room) => show(room)],
  ["POST", PATH, save],
  ["POST", `${PATH}/toggle`, toggle],
  ["POST", `${PATH}/delete`, remove],
];
