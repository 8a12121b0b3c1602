import type { SafeHtml } from "../http/html";
import { withSecurityHeaders } from "../http/securityHeaders";
import { pageScriptHash } from "./pageScript";

/** An HTML page with our security headers; `script` is what the page added to PAGE_SCRIPT (layout's option). */
export async function page(
  body: SafeHtml,
  { status = 200, headers = {} as HeadersInit, formTargets = [] as string[], script = "" } = {},
): Promise<Response> {
  // Headers, not an object: a page may set two cookies.
  const all = new Headers(headers);
  all.set("content-type", "text/html; charset=utf-8");
  const response = new Response(body.value, { status, headers: all });
  return withSecurityHeaders(response, { scriptHash: await pageScriptHash(script), formTargets });
}

/**
 * 303 See Other: after a POST, the browser GETs the next page, so a reload repeats nothing.
 * Headers, not an object: the callback clears one cookie and sets another.
 */
export function seeOther(location: string, headers: HeadersInit = {}): Response {
  const all = new Headers(headers);
  all.set("location", location);
  return withSecurityHeaders(new Response(null, { status: 303, headers: all }));
}
