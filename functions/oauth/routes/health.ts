import { KickOAuthError } from "../../../shared/kick/index";
import { getAppAccessToken } from "../../../shared/tokens/getAppAccessToken";
import { kickFor } from "../kickFor";
import type { OAuthEnv } from "../OAuthEnv";

/** A refusal or an outage is remembered this long per isolate, so probing it cannot hammer Kick. */
const FAILURE_TTL_MS = 60_000;
let lastFailure: { at: number; body: object; status: number } | null = null;

/**
 * GET /healthz/kick: does Kick accept this deployment's app credentials? Answered from the
 * cached app token when there is one (no Kick call), else by one client-credentials request.
 * `npm run deploy -- --check` reads it; it says yes or no and never shows a token.
 */
export async function kickHealth(_request: Request, env: OAuthEnv, now: number): Promise<Response> {
  if (lastFailure && now - lastFailure.at < FAILURE_TTL_MS)
    return Response.json(lastFailure.body, { status: lastFailure.status, headers: { "cache-control": "no-store" } });
  try {
    await getAppAccessToken(env, kickFor(env), now);
    lastFailure = null;
    return Response.json(
      { ok: true, data: { kick: "app credentials accepted" } },
      { headers: { "cache-control": "no-store" } },
    );
  } catch (error) {
    const refused = error instanceof KickOAuthError;
    const body = {
      ok: false,
      error: refused
        ? {
            code: "kick_credentials_refused",
            message: `Kick refused the app's client id or secret (${error.oauthError}).`,
          }
        : {
            code: "kick_unreachable",
            message: `Kick could not be asked (${(error as { code?: string }).code ?? "error"}); try again shortly.`,
          },
    };
    lastFailure = { at: now, body, status: 502 };
    return Response.json(body, { status: 502, headers: { "cache-control": "no-store" } });
  }
}
