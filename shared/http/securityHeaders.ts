/**
 * Headers every page of ours sends: no framing, no referrer (an OAuth code in a URL must not
 * leak), a CSP that allows our own inline styles, one hashed script, and nothing remote.
 */
export function withSecurityHeaders(
  response: Response,
  { scriptHash, formTargets = [] }: { scriptHash?: string; formTargets?: string[] } = {},
): Response {
  const headers = new Headers(response.headers);
  const script = scriptHash ? `'sha256-${scriptHash}'` : "'none'";
  // form-action also governs where a form's redirect may go: the connect form lands on Kick.
  const forms = ["'self'", ...formTargets].join(" ");
  headers.set(
    "content-security-policy",
    `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; script-src ${script}; form-action ${forms}; frame-ancestors 'none'; base-uri 'none'`,
  );
  headers.set("referrer-policy", "no-referrer");
  headers.set("x-frame-options", "DENY");
  headers.set("x-content-type-options", "nosniff");
  headers.set("cache-control", "no-store");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
