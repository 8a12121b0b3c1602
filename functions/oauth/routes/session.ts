import { accounts } from "../../../shared/storage/accountsStore";
import {
  clearSessionCookie,
  endEverySession,
  endSession,
  loginTokenMatches,
  requireAdminSecret,
  startSession,
} from "../adminSession";
import { fromOurPages, guard, judgeGuess, refusedForm, signInPage, tooManyGuesses, type OAuthRequest } from "../guard";
import { kickFormTargets, type OAuthEnv } from "../settings";
import { dashboardPage } from "../pages/dashboardPage";
import { messagePage } from "../pages/messagePage";
import { page, seeOther } from "../../../shared/pages/respond";

const NOTICES: Record<string, string> = {
  disconnected:
    "Disconnected: the tokens were revoked at Kick and deleted here, and the account's keys no longer work.",
};

/** The guard for GET /, where a stranger is shown the sign-in form rather than refused. */
export async function guardHome(request: OAuthRequest, env: OAuthEnv, now: number): Promise<Response | undefined> {
  const stop = await guard(request, env, now);
  return stop?.status === 401 ? new Response(stop.body, { status: 200, headers: stop.headers }) : stop;
}

/** GET /: the accounts dashboard. */
export async function home(request: OAuthRequest, env: OAuthEnv): Promise<Response> {
  const notice = NOTICES[new URL(request.url).searchParams.get("done") ?? ""];
  const [all, links] = await Promise.all([accounts.list(env.DB), accounts.botLinks(env.DB)]);
  return page(dashboardPage(all, links, request.session?.csrf ?? "", notice), {
    formTargets: kickFormTargets(env),
  });
}

/**
 * POST /login: the admin passphrase. The form must come from our sign-in page (its pre-session
 * token, checked before the guess is counted, so a forged post costs no D1 write), and wrong
 * guesses are throttled.
 */
export async function login(request: Request, env: OAuthEnv, now: number): Promise<Response> {
  await requireAdminSecret(env);
  if (!fromOurPages(request)) return refusedForm("That sign-in form did not come from this site.");
  const form = await request.formData().catch(() => null);
  if (!(await loginTokenMatches(request, env, form)))
    return signInPage(request, env, {
      status: 403,
      error: "That sign-in form was out of date or did not come from this page, so it was not checked. Sign in here.",
    });
  const passphrase = form?.get("passphrase");
  if (typeof passphrase !== "string" || passphrase === "")
    return signInPage(request, env, { status: 400, error: "Enter the admin passphrase." });
  const { right, wait } = await judgeGuess(request, env, now, passphrase);
  if (wait > 0) return tooManyGuesses(request, env, wait);
  if (!right) return signInPage(request, env, { error: "That passphrase is not right." });
  return seeOther("/", { "set-cookie": await startSession(request, env, now) });
}

/** POST /logout: this browser's session ends on the server, so a copy of its cookie stops working too. */
export async function logout(request: OAuthRequest, env: OAuthEnv): Promise<Response> {
  if (request.session) await endSession(env, request.session);
  return seeOther("/", { "set-cookie": clearSessionCookie(request) });
}

/** POST /logout/everywhere: every session ends, on every browser. */
export async function logoutEverywhere(request: OAuthRequest, env: OAuthEnv): Promise<Response> {
  await endEverySession(env);
  return seeOther("/", { "set-cookie": clearSessionCookie(request) });
}

export const notFound = () => page(messagePage("Not found", "There is nothing here."), { status: 404 });
