import type { Action } from "../../shared/actions/Action";
import { capabilitiesGranted } from "../../shared/capabilities";
import { CAPABILITY_WORDS } from "../../shared/capabilityWords";
import { html, type SafeHtml } from "../../shared/http/html";
import { TriggerError } from "../../shared/http/TriggerError";
import { CONTROL_ROOM_HEADERS, type Flash } from "../../shared/pages/controlRoom";
import { accountNav, layout } from "../../shared/pages/layout";
import { page, seeOther } from "../../shared/pages/respond";
import type { Account } from "../../shared/storage/accountsStore";
import { checkInput } from "../../shared/validation/checkInput";
import { searchParamsToInput } from "../../shared/validation/searchParamsToInput";
import type { ControlRoomEnv } from "./settings";
import { rulesSettings, type RulesEnv } from "../rules/settings";
import { logError } from "../../shared/log";
import type { SyncAnswer } from "../../shared/webhooks/reconcileSubscriptions";

/** One control-room request: whose channel, the session's CSRF token, and what the POST before it did. */
export interface Room {
  env: ControlRoomEnv;
  account: Account;
  csrf: string;
  flash: Flash;
  params: Record<string, string>;
  url: URL;
  now: number;
}

/** Problems by form field name (`form` for the form as a whole), each shown beside its field. */
export type FieldErrors = Record<string, string>;

/** What running an action from a form came to: its answer, or what to show beside which field. */
export type Outcome<R> = { ok: true; data: R } | { ok: false; errors: FieldErrors };

/**
 * The control room acts through the very actions the trigger API runs, with their schemas, so a
 * page accepts exactly what the API accepts and refuses it in the same words. It acts for the
 * signed-in owner, who may do what the account granted Kick (as the most a key could be made
 * for); this stands in for the key an API caller would send.
 */
const ownerKey = (account: Account) => ({
  id: "control-room",
  accountId: account.id,
  name: "control room",
  capabilities: capabilitiesGranted(account.scopes, true),
  allowGet: false,
  allowUrl: false,
  createdAt: 0,
  lastUsedAt: null,
  account,
});

/** Runs `action` on `input` as the API would; a refusal becomes errors beside the fields it names. */
export async function runAction<R>(room: Room, action: Action, input: Record<string, unknown>): Promise<Outcome<R>> {
  const checked = checkInput(action.input, input);
  if (!checked.ok)
    return {
      ok: false,
      errors: Object.fromEntries(checked.issues.map((i) => [i.field.split(".")[0] || "form", i.reason])),
    };
  // A rule the account's scopes cannot carry out would be saved and then never fire.
  if (action.capability && !capabilitiesGranted(room.account.scopes, true).includes(action.capability))
    return {
      ok: false,
      errors: {
        form: `This channel was connected without the “${CAPABILITY_WORDS[action.capability].label}” permission, so this would never happen. Re-connect it on its Keys page, allowing that, then save again. Nothing was changed.`,
      },
    };
  try {
    const run = action.run as (ctx: object) => Promise<unknown>;
    const data = (await run({
      env: room.env,
      input: checked.data,
      account: room.account,
      key: ownerKey(room.account),
      params: room.params,
      now: room.now,
    })) as R;
    return { ok: true, data };
  } catch (error) {
    if (!(error instanceof TriggerError)) throw error;
    const fields = Array.isArray(error.details) ? (error.details as { field?: string; reason?: string }[]) : [];
    const named = fields.filter((f) => f.field && f.reason).map((f) => [f.field!, f.reason!] as const);
    return { ok: false, errors: named.length ? Object.fromEntries(named) : { form: error.message } };
  }
}

/** A posted form's fields, shaped for `action`'s schema (checkboxes and numbers as the API takes them). */
export async function formInput(request: Request, action: Action): Promise<Record<string, unknown>> {
  return searchParamsToInput(action.input, await formFields(request));
}

/** A posted form as fields (urlencoded, or multipart from a browser that chose it). */
export async function formFields(request: Request): Promise<URLSearchParams> {
  const fields = new URLSearchParams();
  for (const [name, value] of await request.formData()) if (typeof value === "string") fields.append(name, value);
  return fields;
}

/**
 * A control-room page: the channel it sets up named in the heading, the links between the
 * account's pages, and what the last POST did (a secret shown once is shown here, once).
 */
export function roomPage(
  room: Room,
  {
    title,
    current,
    body,
    status = 200,
    script = "",
  }: { title: string; current: string; body: SafeHtml; status?: number; script?: string },
): Promise<Response> {
  const { notice, secret } = room.flash;
  return page(
    layout(
      `${title} · ${room.account.username}`,
      html`<h1>${title} <span class="muted">for ${room.account.username}'s channel</span></h1>
${accountNav(room.account.id, current)}
${notice ? html`<p class="${notice.ok ? "ok" : "bad"}" role="status" id="notice">${notice.text}</p>` : ""}
${
  secret
    ? html`<div class="card" id="secret"><h2>${secret.label}</h2><p><strong>Copy it now: it is shown only once.</strong> ${secret.note}</p>
<div class="row"><input class="key" id="key" type="text" readonly value="${secret.value}" aria-label="${secret.label}"><button type="button" id="copy" class="secondary">Copy</button></div></div>`
    : ""
}
${body}`,
      { csrf: room.csrf, script },
    ),
    { status, script },
  );
}

/** Where one of this channel's pages is: what its forms post to and its links lead to. */
export const roomUrl = (room: Room, path: string) => `/accounts/${room.account.id}${path}`;

/** After a POST: 303 to the page the browser GETs next, with what happened riding in the oauth Worker's cookie. */
export const after = (room: Room, path: string, flash: Flash) =>
  seeOther(roomUrl(room, path), {
    [CONTROL_ROOM_HEADERS.flash]: encodeURIComponent(JSON.stringify(flash)),
  });

/** The form's problem as a whole (not any one field's), at its top. */
export const formError = (errors: FieldErrors | undefined) =>
  errors?.form ? html`<p class="bad" role="alert">${errors.form}</p>` : "";

/**
 * Kick delivers only what a channel is subscribed to, and the webhooks Worker owns the
 * subscriptions (its cron reconciles every SUBSCRIPTION_SYNC_MINUTES). A rule saved here asks
 * for them at once, so going live, a follow or a gift right after saving already reaches its
 * rule. At most 3 s, and never failing the save: the cron makes them anyway.
 */
export async function subscribeNow(room: Room): Promise<void> {
  try {
    const { reconnectUrl } = rulesSettings(room.env as unknown as RulesEnv);
    const answer = (await Promise.race([
      room.env.SUBSCRIPTIONS.reconcile(room.account, reconnectUrl),
      scheduler.wait(3000),
    ])) as SyncAnswer | undefined;
    if (answer?.ok === false)
      console.error(JSON.stringify({ event: "subscribe_error", account: room.account.id, code: answer.code }));
  } catch (error) {
    logError("subscribe_error", error, { account: room.account.id });
  }
}
