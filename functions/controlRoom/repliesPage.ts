import { html } from "../../shared/http/html";
import { KICK_LIMITS } from "../../shared/kick/limits";
import { csrfField, fieldError, invalid, when } from "../../shared/pages/layout";
import { linkedBot } from "../../shared/storage/accountsStore";
import { eventReplies } from "../../shared/storage/rulesStore";
import { REPLY_EVENTS, REPLY_PLACEHOLDERS, type ReplyEvent } from "../../shared/webhooks/replyToEvent";
import { deleteEventReply, setEventReply } from "../rules/actions/events";
import {
  after,
  formError,
  formInput,
  roomPage,
  runAction,
  type FieldErrors,
  type Room,
  subscribeNow,
  roomUrl,
} from "./frame";
import type { RoomRoute } from "./index";

const PATH = "/setup/replies";

/** Each event as a streamer would say it. */
const NAMES: Record<ReplyEvent, string> = {
  "channel.followed": "Someone follows",
  "channel.subscription.new": "Someone subscribes",
  "channel.subscription.renewal": "Someone renews a subscription",
  "channel.subscription.gifts": "Someone gifts subscriptions",
  "kicks.gifted": "Someone gifts KICKs",
  "channel.reward.redemption.updated": "Someone redeems a channel reward",
};

/** A reply as its form holds it: the saved one, or what was sent with its problems. */
interface ReplyForm {
  event: string;
  template: string;
  cooldown_seconds: number | string;
  as: string;
}

/** Ids stay unique with six forms of the same fields on the page: each form's are prefixed with its event. */
const prefixOf = (event: string) => `${event.replace(/\W/g, "-")}-`;

/** Every event's reply, or none, and a form per event that sets or changes it. */
async function show(room: Room, sent?: ReplyForm, errors?: FieldErrors) {
  const [saved, bot] = await Promise.all([
    eventReplies.list(room.env.DB, room.account.id),
    linkedBot(room.env.DB, room.account.id),
  ]);
  const byEvent = new Map(saved.map((r) => [r.event, r]));
  // A refusal for an event no form shows (a hand-made request) still gets said, at the top.
  const stray = sent && !REPLY_EVENTS.includes(sent.event as ReplyEvent) ? errors : undefined;
  const rows = REPLY_EVENTS.map((event) => {
    const r = byEvent.get(event);
    return html`<tr><td>${NAMES[event]}</td>${
      r
        ? html`<td data-label="Reply">${r.template}</td><td data-label="At most every">${r.cooldown_seconds} s</td>
<td data-label="Posted by">${r.as_bot ? "the bot" : "the broadcaster"}</td><td data-label="Last posted">${when(r.last_sent_at)}</td>`
        : html`<td data-label="Reply" colspan="4" class="muted">no reply</td>`
    }</tr>`;
  });
  const forms = REPLY_EVENTS.map((event) => {
    const r = byEvent.get(event);
    const mine = sent?.event === event;
    const form: ReplyForm = mine
      ? sent
      : r
        ? { event, template: r.template, cooldown_seconds: r.cooldown_seconds, as: r.as_bot ? "bot" : "broadcaster" }
        : { event, template: "", cooldown_seconds: 60, as: "broadcaster" };
    const e = mine ? errors : undefined;
    const id = prefixOf(event);
    return html`<section class="card" id="${id}reply" aria-labelledby="${id}heading">
<h2 id="${id}heading">${NAMES[event]} <span class="muted">(${event})</span></h2>
<p>${r ? "Replies with the message below." : "No reply: this event posts nothing in chat."} Placeholders: ${REPLY_PLACEHOLDERS[event].map((p, i) => html`${i ? ", " : ""}<code>{${p}}</code>`)}; any other word in braces is refused.</p>
<form method="post" action="${roomUrl(room, PATH)}">${csrfField(room.csrf)}<input type="hidden" name="event" value="${event}">${formError(e)}
<label>Reply <textarea name="template" rows="2" maxlength="${KICK_LIMITS.chatContentMax}" required${invalid("template", e?.template, id)}>${form.template}</textarea></label>${fieldError("template", e?.template, id)}
<label>At most once every how many seconds (0 to 86400; a burst of events posts once) <input type="number" name="cooldown_seconds" min="0" max="86400" required value="${form.cooldown_seconds}"${invalid("cooldown_seconds", e?.cooldown_seconds, id)}></label>${fieldError("cooldown_seconds", e?.cooldown_seconds, id)}
<fieldset${invalid("as", e?.as, id)}${!bot && !e?.as ? html` aria-describedby="bot-note"` : ""}><legend>Posted by</legend>
<label><input type="radio" name="as" value="broadcaster"${form.as !== "bot" ? " checked" : ""}> The broadcaster (${room.account.username})</label>
<label><input type="radio" name="as" value="bot"${form.as === "bot" ? " checked" : ""}> The bot${bot ? html` (${bot.username})` : " (none linked)"}</label></fieldset>${fieldError("as", e?.as, id)}
<p><button aria-label="Save reply to: ${NAMES[event]}">Save reply</button></p></form>
${
  r
    ? html`<form method="post" action="${roomUrl(room, PATH)}/delete">${csrfField(room.csrf)}<input type="hidden" name="event" value="${event}"><button class="danger" aria-label="Delete reply to: ${NAMES[event]}">Delete reply</button></form>`
    : ""
}</section>`;
  });
  return roomPage(room, {
    title: "Event replies",
    current: PATH,
    status: errors ? 400 : 200,
    body: html`<p>A reply is a chat message kick-edge posts when something happens in the channel, filled in from the event (who followed, how many months). Each posts at most once in the number of seconds you choose, so a burst of follows posts one message; every post counts toward the channel's 20 chat messages a minute.</p>
${
  bot
    ? html`<p id="bot-note">Replies set to the bot are posted by ${bot.username}, the bot linked to this channel.</p>`
    : html`<p class="card" id="bot-note"><strong>No bot is linked to this channel.</strong> A reply set to be posted by the bot would be refused when its event comes, and nothing posted. To have a bot post, press “Connect a bot account” on this channel's <a href="/accounts/${room.account.id}">Keys page</a>.</p>`
}
${
  stray
    ? html`<p class="bad" role="alert">Nothing was saved: ${Object.entries(stray)
        .map(([field, reason]) => `${field} ${reason}`)
        .join("; ")}.</p>`
    : ""
}
<div class="card"><table class="stack"><thead><tr><th>When</th><th>Reply</th><th>At most every</th><th>Posted by</th><th>Last posted</th></tr></thead><tbody>${rows}</tbody></table></div>
${forms}`,
  });
}

async function save(room: Room, request: Request) {
  const input = await formInput(request, setEventReply);
  const done = await runAction<{ event: ReplyEvent }>(room, setEventReply, input);
  if (!done.ok) {
    const sent: ReplyForm = { event: "", template: "", cooldown_seconds: "", as: "broadcaster", ...input } as ReplyForm;
    return show(room, sent, done.errors);
  }
  await subscribeNow(room);
  return after(room, PATH, { notice: { ok: true, text: `Reply saved for: ${NAMES[done.data.event]}.` } });
}

async function remove(room: Room, request: Request) {
  const done = await runAction<{ deleted: ReplyEvent }>(
    room,
    deleteEventReply,
    await formInput(request, deleteEventReply),
  );
  return after(room, PATH, {
    notice: done.ok
      ? { ok: true, text: `Reply deleted for: ${NAMES[done.data.deleted]}. That event now posts nothing.` }
      : { text: Object.values(done.errors).join(" ") },
  });
}

export const REPLY_ROUTES: RoomRoute[] = [
  ["GET", PATH, (room) => show(room)],
  ["POST", PATH, save],
  ["POST", `${PATH}/delete`, remove],
];
