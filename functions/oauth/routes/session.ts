import { timingSafeEqualText } from "../../../shared/crypto";
import { accounts } from "../../../shared/storage/accountsStore";
import { adminCookie, clearAdminCookie } from "../adminSession";
import { guard } from "../guard";
import { clearLoginFailures, clientOf, loginBlockedFor } from "../loginThrottle";
import { kickFormTargets, type OAuthEnv } from "../settings";
import { dashboardPage } from "../pages/dashboardPage";
import { loginPage } from "../pages/loginPage";
import { messagePage } from "../pages/messagePage";
import { page, seeOther } from "../respond";

const NOTICES: Record<string, string> = {
  disconnected:
    "Disconnected: the tokens were revoked at Kick and deleted here, and the account's keys no longer work.",
};

/** The guard for GET /, where a stranger is shown the sign-in form rather than refused. */
export async function guardHome(request: Request, env: OAuthEnv, now: number): Promise<Response | undefined> {
  const stop = await guard(request, env, now);
  return stop?.status === 401 ? page(loginPage()) : stop;
}

/** GET /: the accounts dashboard. */
export async function home(request: Request, env: OAuthEnv): Promise<Response> {
  const notice = NOTICES[new URL(request.url).searchParams.get("done") ?? ""];
  return page(dashboardPage(await accounts.list(env.DB), notice), { formTargets: kickFormTargets(env) });
}

/** POST /login: the admin passphrase, with throttling of wrong guesses. */
export async function login(request: Request, env: OAuthEnv, now: number): Promise<Response> {
  if (!env.ADMIN_SECRET) return (await guard(request, env, now))!;
  const client = clientOf(request);
  const wait = await loginBlockedFor(env.DB, client, now);
  if (wait > 0)
    return page(loginPage(`Too many wrong passphrases. Try again in ${Math.ceil(wait / 60_000)} minutes.`), {
      status: 429,
      headers: { "retry-after": String(Math.ceil(wait / 1000)) },
    });
  const form = await request.formData().catch(() => null);
  const passphrase = form?.get("passphrase");
  if (typeof passphrase !== "string" || !timingSafeEqualText(passphrase, env.ADMIN_SECRET)) {
    return page(loginPage("That passphrase is not right."), { status: 401 });
  }
  await clearLoginFailures(env.DB, client);
  return seeOther("/", { "set-cookie": await adminCookie(request, env.ADMIN_SECRET, now) });
}

/** POST /logout */
export function logout(request: Request): Response {
  return seeOther("/", { "set-cookie": clearAdminCookie(request) });
}

export const notFound = () => page(messagePage("Not found", "There is nothing here."), { status: 404 });
