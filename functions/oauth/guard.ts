import { isAdmin } from "./adminSession";
import { clearLoginFailures, clientOf, loginBlockedFor } from "./loginThrottle";
import type { OAuthEnv } from "./settings";
import { loginPage } from "./pages/loginPage";
import { messagePage } from "./pages/messagePage";
import { page } from "./respond";

/**
 * A POST from our own pages, not a cross-site form. Browsers send `Sec-Fetch-Site`; under our
 * `no-referrer` policy their `Origin` is "null", so only a real, different Origin refuses.
 */
function fromOurPages(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return false;
  const origin = request.headers.get("origin");
  return origin === null || origin === "null" || origin === new URL(request.url).origin;
}

/** A request as the router hands it on: `params` holds the path's `:names`. */
export type OAuthRequest = Request & { params: Record<string, string> };

/**
 * One link of a route's chain. itty-router runs a route's handlers in order and stops at the
 * first that answers, so a link that lets the request on returns nothing.
 */
export type Handler<R extends OAuthRequest = OAuthRequest> = (
  request: R,
  env: OAuthEnv,
  now: number,
) => Response | undefined | Promise<Response | undefined>;

/**
 * Nothing when the request may go on; otherwise the answer that stops it. Fails closed: with no
 * ADMIN_SECRET nobody gets in. A POST must also come from our own pages (Origin check).
 */
export async function guard(request: Request, env: OAuthEnv, now: number): Promise<Response | undefined> {
  if (!env.ADMIN_SECRET) {
    return page(
      messagePage(
        "Not set up yet",
        "This deployment has no ADMIN_SECRET, so nobody can sign in. Set one with: npm run deploy -- --rotate-admin-secret (locally: ADMIN_SECRET in .dev.vars)",
      ),
      { status: 503 },
    );
  }
  if (request.method === "POST" && !fromOurPages(request))
    return page(messagePage("Refused", "That form did not come from this site."), { status: 403 });
  // Tools send the passphrase as a Bearer token: those guesses are throttled like the form's.
  if (/^Bearer\s/i.test(request.headers.get("authorization") ?? "")) {
    const client = clientOf(request);
    const wait = await loginBlockedFor(env.DB, client, now);
    if (wait > 0)
      return page(loginPage("Too many wrong passphrases."), {
        status: 429,
        headers: { "retry-after": String(Math.ceil(wait / 1000)) },
      });
    if (!(await isAdmin(request, env.ADMIN_SECRET, now))) return page(loginPage(), { status: 401 });
    await clearLoginFailures(env.DB, client);
    return;
  }
  if (await isAdmin(request, env.ADMIN_SECRET, now)) return;
  return page(loginPage(), { status: 401 });
}
