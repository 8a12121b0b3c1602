import type { SafeHtml } from "../../shared/http/html";
import { withSecurityHeaders } from "../../shared/http/securityHeaders";
import { pageScriptHash } from "./pages/pageScript";

/** An HTML page with our security headers. */
export async function page(
  body: SafeHtml,
  { status = 200, headers = {} as HeadersInit, formTargets = [] as string[] } = {},
): Promise<Response> {
  // Headers, not an object: a page may set two cookies.
  const all = new Headers(headers);
  all.set("content-type", "text/html; charset=utf-8");
  const response = new Response(body.value, { status, headers: all });
  return withSecurityHeaders(response, { scriptHash: await pageScriptHash(), formTargets });
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
