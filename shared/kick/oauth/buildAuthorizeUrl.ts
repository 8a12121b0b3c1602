export interface AuthorizeParams {
  idBase: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state: string;
  codeChallenge: string;
}

/**
 * Kick's consent URL with every required parameter. Kick's frontend rewrites the first
 * `127.0.0.1` in the URL to `localhost`, breaking an exact redirect match, so a sacrificial
 * `redirect=127.0.0.1` goes first when the redirect host is 127.0.0.1 (docs/kick-api.md §2.1).
 */
export function buildAuthorizeUrl(p: AuthorizeParams): string {
  const url = new URL("/oauth/authorize", p.idBase);
  const q = url.searchParams;
  q.set("client_id", p.clientId);
  q.set("response_type", "code");
  if (new URL(p.redirectUri).hostname === "127.0.0.1") q.set("redirect", "127.0.0.1");
  q.set("redirect_uri", p.redirectUri);
  q.set("scope", p.scopes.join(" "));
  q.set("state", p.state);
  q.set("code_challenge", p.codeChallenge);
  q.set("code_challenge_method", "S256");
  return url.toString();
}
