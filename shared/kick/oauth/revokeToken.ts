import type { KickConfig } from "../config";
import { send } from "../send";
import { oauthError } from "./oauthError";

/**
 * Revokes a token. Kick documents query parameters and the non-standard `token_hint_type`
 * (docs/kick-api.md §2.3); that is what is sent.
 */
export async function revokeToken(
  config: KickConfig,
  token: string,
  hint: "access_token" | "refresh_token",
): Promise<void> {
  const url = new URL("/oauth/revoke", config.idBase);
  url.searchParams.set("token", token);
  url.searchParams.set("token_hint_type", hint);
  const answer = await send(
    config,
    () => new Request(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } }),
    { endpoint: "revokeToken", retryable: true },
  );
  if (answer.status < 200 || answer.status > 299) throw oauthError(answer, "revokeToken");
}
