import { buildAuthorizeUrl, createPkcePair } from "../../shared/kick/index";
import { KICK, kickFetch } from "./emulator";

export const REDIRECT = "http://localhost:8787/callback";

/**
 * Walks Kick's consent flow on the emulator like a browser: open the authorize URL, press
 * Approve (or Deny) on the consent page, and read the code off the redirect.
 */
export async function consent(
  options: {
    scopes?: string[];
    decision?: "approve" | "deny";
    redirectUri?: string;
    userId?: number;
    state?: string;
  } = {},
) {
  const pkce = await createPkcePair();
  const state = options.state ?? "state-123";
  const redirectUri = options.redirectUri ?? REDIRECT;
  const url = buildAuthorizeUrl({
    idBase: KICK,
    clientId: "emulator-client",
    redirectUri,
    scopes: options.scopes ?? ["user:read", "chat:write"],
    state,
    codeChallenge: pkce.challenge,
  });
  const page = await kickFetch(new Request(url));
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${await page.text()}`);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    form.set(decode(name!), decode(value!));
  form.set("decision", options.decision ?? "approve");
  if (options.userId) form.set("user_id", String(options.userId));
  const answer = await kickFetch(
    new Request(`${KICK}/oauth/authorize`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
      redirect: "manual",
    }),
  );
  const location = new URL(answer.headers.get("location") ?? "about:blank");
  return { status: answer.status, location, code: location.searchParams.get("code"), pkce, state, redirectUri, html };
}

const decode = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
