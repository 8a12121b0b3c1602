import { withSecurityHeaders } from "../../../shared/http/securityHeaders";
import type { SafeHtml } from "../../../shared/http/html";

/** An overlay page: our security headers, allowed to fetch only its own origin, framable by nothing. */
export async function overlayPage(body: SafeHtml, script?: string): Promise<Response> {
  const hash = script ? btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(script))))) : undefined;
  const response = withSecurityHeaders(new Response(body.value, { headers: { "content-type": "text/html; charset=utf-8" } }), { scriptHash: hash });
  response.headers.set("content-security-policy", `${response.headers.get("content-security-policy")}; connect-src 'self'`);
  return response;
}
