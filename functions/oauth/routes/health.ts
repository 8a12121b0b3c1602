import { getAppToken, KickOAuthError } from "../../../shared/kick/index";
import { getAppAccessToken } from "../../../shared/tokens/getAppAccessToken";
import { errorFacts } from "../../../shared/log";
import { kickFor, type OAuthEnv } from "../settings";

/** An answer is remembered this long per isolate, so probing the endpoint cannot hammer Kick. */
const REMEMBER_MS = 60_000;
const remembered = new Map<string, { at: number; status: number; body: object }>();

/**
 * GET /healthz/kick: does Kick accept this deployment's app credentials? Normally answered from
 * the cached app token (no Kick call). `?fresh=1`, which `npm run deploy -- --check` sends, makes
 * one real client-credentials request (at most one a minute per isolate), so a client secret
 * changed since the token was cached is caught. Says yes or no; never shows a token.
 */
export async function kickHealth(request: Request, env: OAuthEnv, now: number): Promise<Response> {
  const fresh = new URL(request.url).searchParams.get("fresh") === "1";
  const mode = fresh ? "fresh" : "cached";
  const last = remembered.get(mode);
  if (last && now - last.at < REMEMBER_MS && (fresh || last.status !== 200)) return answer(last);
  let result: { status: number; body: object };
  try {
    if (fresh) await getAppToken(kickFor(env));
    else await getAppAccessToken(env, kickFor(env), now);
    result = { status: 200, body: { ok: true, data: { kick: "app credentials accepted" } } };
  } catch (error) {
    const refused = error instanceof KickOAuthError;
    result = {
      status: 502,
      body: {
        ok: false,
        error: refused
          ? {
              code: "kick_credentials_refused",
              message: `Kick refused the app's client id or secret (${error.oauthError}).`,
            }
          : {
              code: "kick_unreachable",
              message: `Kick could not be asked (${errorFacts(error).code ?? "error"}); try again shortly.`,
            },
      },
    };
  }
  remembered.set(mode, { at: now, ...result });
  return answer(result);
}

const answer = ({ status, body }: { status: number; body: object }) =>
  Response.json(body, { status, headers: { "cache-control": "no-store" } });
