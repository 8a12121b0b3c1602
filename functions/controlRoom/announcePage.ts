import { DEFAULT_TEMPLATE, PLACEHOLDERS, renderTemplate } from "../../shared/announce/announceOnce";
import type { LiveStream } from "../../shared/announce/liveStream";
import { html } from "../../shared/http/html";
import { KICK_LIMITS } from "../../shared/kick/limits";
import { codePointLength } from "../../shared/kick/schemas/common";
import { csrfField, fieldError, invalid, when } from "../../shared/pages/layout";
import { logError } from "../../shared/log";
import { announceRules } from "../../shared/storage/rulesStore";
import { setAnnounceRule } from "../rules/actions/announceRule";
import type { LiveAnswer } from "../webhooks/index";
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

const PATH = "/setup/announce";

/** The announcement as the form holds it: the saved one, or what was sent with its problems. */
interface AnnounceForm {
  template: string;
  auto: boolean;
}

/** What each placeholder becomes, in the words the streamer knows. */
const MEANING: Record<(typeof PLACEHOLDERS)[number], string> = {
  title: "the stream's title",
  category: "its category",
  viewers: "how many watch",
  url: "the link to the channel",
  started_at: "when the stream started",
  channel: "the channel's name",
};

/**
 * Why the preview could not use the live stream, by the code the webhooks Worker answered
 * (toTriggerError's codes); anything else is told plainly as a failed read.
 */
function kickTrouble(room: Room, code: string) {
  const keys = html`<a href="/accounts/${room.account.id}">Keys page</a>`;
  if (code === "needs_reconnect" || code === "not_connected" || code === "missing_scope")
    return html`Kick needs this channel connected again, so kick-edge cannot read its stream (or post for it) until then: re-connect it from the ${keys}.`;
  if (code === "kick_rate_limited") return "Kick is asking kick-edge to slow down for a while; reload in a minute.";
  if (code === "kick_unreachable" || code === "kick_unavailable" || code === "token_unavailable")
    return "Kick did not answer properly just now; reload in a minute.";
  return "kick-edge could not read the stream from Kick just now; reload to try again.";
}

/** The live stream for the preview, or sample values and the plain reason the live ones are missing. */
async function previewValues(room: Room) {
  let answer: LiveAnswer;
  try {
    answer = await room.env.LIVE_STREAMS.current(room.account.id);
  } catch (error) {
    // The webhooks Worker itself failed: the page still works, with samples.
    logError("live_stream_rpc_error", error, { account: room.account.id });
    answer = { ok: false, code: "rpc_failed" };
  }
  if (answer.ok && answer.stream)
    return {
      stream: answer.stream,
      note: html`Filled in from the stream that is live now.`,
    };
  const sample: LiveStream = {
    title: "Speedrun practice, come hang out",
    category: "Just Chatting",
    viewers: 42,
    url: `https://kick.com/${room.account.username}`,
    started_at: new Date(room.now).toISOString().replace(/\.\d+Z$/, "Z"),
    channel: room.account.username,
  };
  const why = answer.ok
    ? "The channel is offline right now; while it is live, this page fills them from the stream."
    : kickTrouble(room, answer.code);
  return { stream: sample, note: html`This preview uses sample values. ${why}` };
}

/**
 * Re-fills the preview as the streamer types, from the stream values the page carries (the
 * same fill as renderTemplate); textContent, so typed markup stays text.
 */
const PREVIEW_SCRIPT = `{const t=document.getElementById("template"),p=document.getElementById("preview"),n=document.getElementById("preview-length");if(t&&p&&n){const s=JSON.parse(p.dataset.stream);t.addEventListener("input",()=>{const v=t.value.replace(/\\{(\\w+)\\}/g,(_,k)=>Object.hasOwn(s,k)?String(s[k]):"");p.textContent=v;n.textContent=[...v].length})}}`;

/** What going live does today, given the saved rule (or none). */
function today(rule: { auto: number; updated_at: number } | null) {
  const button = html`A Stream Deck button or Zapier call to <code>/v1/announce</code>`;
  if (!rule)
    return html`<p><strong>Nothing is saved yet</strong>, so going live posts nothing by itself: neither the minute check nor Kick's go-live event announces this channel. ${button} still posts, with the default message: <q>${DEFAULT_TEMPLATE}</q>.</p>`;
  const saved = html`<p class="muted">Saved ${when(rule.updated_at)}.</p>`;
  if (!rule.auto)
    return html`<p><strong>Automatic posting is off</strong>: going live posts nothing by itself (neither the minute check nor Kick's go-live event). ${button} still posts the message below.</p>${saved}`;
  return html`<p><strong>On</strong>: when the channel goes live, kick-edge posts the message below in chat, as soon as its minute check or Kick's go-live event notices, whichever comes first. ${button} posts it too. Either way, once per stream.</p>${saved}`;
}

async function show(room: Room, sent?: AnnounceForm, errors?: FieldErrors) {
  const [rule, preview] = await Promise.all([announceRules.get(room.env.DB, room.account.id), previewValues(room)]);
  const form =
    sent ?? (rule ? { template: rule.template, auto: rule.auto === 1 } : { template: DEFAULT_TEMPLATE, auto: true });
  const filled = renderTemplate(form.template, preview.stream);
  return roomPage(room, {
    title: "Go-live announcement",
    current: PATH,
    status: errors ? 400 : 200,
    script: PREVIEW_SCRIPT,
    body: html`<div class="card" id="announce-state">${today(rule)}</div>
<form class="card" id="announce-form" method="post" action="${roomUrl(room, PATH)}">${csrfField(room.csrf)}${formError(errors)}
<label>Message <textarea id="template" name="template" rows="3" maxlength="${KICK_LIMITS.chatContentMax}" required${invalid("template", errors?.template)}>${form.template}</textarea></label>${fieldError("template", errors?.template)}
<p class="muted">Placeholders, filled in when it is posted: ${PLACEHOLDERS.map((p, i) => html`${i ? ", " : ""}<code>{${p}}</code> ${MEANING[p]}`)}. Any other word in braces is refused.</p>
<input type="hidden" name="auto" value="false"><label><input type="checkbox" name="auto" value="true"${form.auto ? " checked" : ""}> Post it automatically when the channel goes live</label>
<p><button id="save-announce">Save announcement</button></p></form>
<h2 id="preview-heading">Preview</h2>
<div class="card"><p id="preview-source">${preview.note} It follows what you type.</p>
<pre id="preview" aria-labelledby="preview-heading" data-stream="${JSON.stringify(preview.stream)}">${filled}</pre>
<p class="muted"><span id="preview-length">${codePointLength(filled)}</span> of ${KICK_LIMITS.chatContentMax} characters once filled in; Kick takes no more, so a longer message is not posted.</p></div>`,
  });
}

async function save(room: Room, request: Request) {
  const input = await formInput(request, setAnnounceRule);
  const done = await runAction<AnnounceForm>(room, setAnnounceRule, input);
  if (!done.ok) return show(room, { template: String(input.template ?? ""), auto: input.auto !== false }, done.errors);
  if (done.data.auto) await subscribeNow(room);
  return after(room, PATH, {
    notice: {
      ok: true,
      text: done.data.auto
        ? "Announcement saved: it posts when the channel goes live."
        : "Announcement saved. It posts only when asked (automatic posting is off).",
    },
  });
}

export const ANNOUNCE_ROUTES: RoomRoute[] = [
  ["GET", PATH, (room) => show(room)],
  ["POST", PATH, save],
];
