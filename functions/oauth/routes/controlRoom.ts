import { CONTROL_ROOM_HEADERS, type Flash } from "../../../shared/pages/controlRoom";
import { readBytesLimited } from "../../../shared/http/request";
import { flashCookie, takeFlash } from "../flash";
import type { OAuthEnv } from "../settings";
import type { AccountRequest } from "./accounts";

/** A set-up form is a few fields; anything near this is not ours. */
const MAX_FORM_BYTES = 64 * 1024;

/**
 * An account's set-up and activity pages, drawn by the control room Worker (this Worker has no
 * room left in its budget; docs/architecture.md says why a Worker of its own). Only
 * what the control room needs crosses: the account, the CSRF token, the form, and the one-time
 * flash, which this Worker seals into its cookie because the control room holds no key. The
 * browser's cookies and headers stay here.
 */
export async function toControlRoom(request: AccountRequest, env: OAuthEnv): Promise<Response> {
  const id = request.account.id;
  const headers = new Headers({
    [CONTROL_ROOM_HEADERS.account]: String(id),
    [CONTROL_ROOM_HEADERS.csrf]: request.session?.csrf ?? "",
  });
  let drop: string | undefined;
  let body: Uint8Array | undefined;
  if (request.method === "POST") {
    headers.set("content-type", request.headers.get("content-type") ?? "");
    body = await readBytesLimited(request, MAX_FORM_BYTES);
  } else {
    const taken = await takeFlash(request, env, id);
    if (taken.drop) {
      headers.set(CONTROL_ROOM_HEADERS.flash, encodeURIComponent(JSON.stringify(taken.flash)));
      drop = taken.drop;
    }
  }
  // Manual: the control room's 303 is the browser's to follow, with the flash cookie set.
  const answer = await env.CONTROL_ROOM.fetch(
    new Request(request.url, { method: request.method, headers, body, redirect: "manual" }),
  );
  const out = new Response(answer.body, answer);
  const flash = out.headers.get(CONTROL_ROOM_HEADERS.flash);
  out.headers.delete(CONTROL_ROOM_HEADERS.flash);
  if (flash)
    out.headers.append(
      "set-cookie",
      await flashCookie(request, env, id, JSON.parse(decodeURIComponent(flash)) as Flash),
    );
  // A page that failed showed nothing: a secret shown once must survive to the next try.
  if (drop && answer.ok) out.headers.append("set-cookie", drop);
  return out;
}
