import {
  clearSessionCookie,
  csrfMatches,
  currentSession,
  hasSessionCookie,
  isPassphrase,
  loginToken,
  requireAdminSecret,
  throttleTag,
  type AdminSession,
} from "./adminSession";
import { admitGuess, bucketsOf, forgiveGuess } from "./loginThrottle";
import type { OAuthEnv } from "./settings";
import { loginPage } from "./pages/loginPage";
import { messagePage } from "./pages/messagePage";
import { page } from "../../shared/pages/respond";

/**
 * A POST from our own pages, not a cross-site form. Browsers send `Sec-Fetch-Site`; under our
 * `no-referrer` policy their `Origin` is "null", so only a real, different Origin refuses. An
 * old browser that sends neither passes this check; the CSRF token is what stops its forgeries.
 */
export function fromOurPages(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return false;
  const origin = request.headers.get("origin");
  return origin === null || origin === "null" || origin === new URL(request.url).origin;
}

/**
 * A request as the router hands it on: `params` holds the path's `:names`; `session` is the
 * signed-in browser's, set by `guard` (absent for a tool that sent the passphrase as a Bearer).
 */
export type OAuthRequest = Request & { params: Record<string, string>; session?: AdminSession };

/**
 * One link of a route's chain. itty-router runs a route's handlers in order and stops at the
 * first that answers, so a link that lets the request on returns nothing.
 */
export type Handler<R extends OAuthRequest = OAuthRequest> = (
  request: R,
  env: OAuthEnv,
  now: number,
) => Response | undefined | Promise<Response | undefined>;

/** The sign-in form, with its pre-session CSRF token (and the cookie that pairs with it). */
export async function signInPage(
  request: Request,
  env: OAuthEnv,
  { status = 401, error, headers = {} }: { status?: number; error?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const { token, cookie } = await loginToken(request, env);
  const all = new Headers(headers);
  if (cookie) all.append("set-cookie", cookie);
  return page(loginPage(token, error), { status, headers: all });
}

/** A form refused before it did anything; says why and what to do. */
export const refusedForm = (message: string, session?: AdminSession) =>
  page(messagePage("Refused", `${message} Nothing was changed.`, { csrf: session?.csrf }), { status: 403 });

/**
 * A passphrase guess under the throttle: `wait` > 0 when this client (or everyone) must pause
 * first, in which case it was not compared.
 */
export async function judgeGuess(
  request: Request,
  env: OAuthEnv,
  now: number,
  guess: string,
): Promise<{ right: boolean; wait: number }> {
  const buckets = bucketsOf(request, await throttleTag(env));
  const wait = await admitGuess(env.DB, buckets, now);
  if (wait > 0) return { right: false, wait };
  const right = await isPassphrase(env, guess);
  if (right) await forgiveGuess(env.DB, buckets, now);
  return { right, wait: 0 };
}

export const tooManyGuesses = (request: Request, env: OAuthEnv, wait: number) =>
  signInPage(request, env, {
    status: 429,
    error: `Too many wrong passphrases. Try again in ${Math.ceil(wait / 60_000)} minutes, or set a new passphrase, which starts the count afresh (npm run deploy -- --rotate-admin-secret; locally, change ADMIN_SECRET in .dev.vars or .state/dev-secrets.json and restart npm start).`,
    headers: { "retry-after": String(Math.ceil(wait / 1000)) },
  });

/**
 * Nothing when the request may go on; otherwise the answer that stops it. Fails closed: with no
 * usable ADMIN_SECRET nobody gets in (AdminSecretError, answered by the Worker's entry). A POST
 * must come from our own pages (Origin check) and, from a browser, carry its session's CSRF token.
 */
export async function guard(request: OAuthRequest, env: OAuthEnv, now: number): Promise<Response | undefined> {
  await requireAdminSecret(env);
  if (request.method === "POST" && !fromOurPages(request)) return refusedForm("That form did not come from this site.");
  // Tools send the passphrase as a Bearer token: those guesses are throttled like the form's. A
  // browser never adds that header by itself, so such a POST needs no CSRF token.
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "");
  if (bearer) {
    const { right, wait } = await judgeGuess(request, env, now, bearer[1]!.trim());
    if (wait > 0) return tooManyGuesses(request, env, wait);
    return right ? undefined : signInPage(request, env);
  }
  const session = await currentSession(request, env, now);
  if (!session)
    return signInPage(request, env, {
      // A cookie that no longer signs in (ended, idle, old secret) is cleared.
      headers: hasSessionCookie(request) ? { "set-cookie": clearSessionCookie(request) } : {},
    });
  if (
    request.method === "POST" &&
    !csrfMatches(
      session,
      await request
        .clone()
        .formData()
        .catch(() => null),
    )
  )
    return refusedForm(
      "That form carried no valid security token: it came from another site, or from a page older than your sign-in. Reload the page and try again.",
      session,
    );
  request.session = session;
}
