import * as z from "zod/mini";
import type { KickConfig } from "../config";
import { KickUpstreamError } from "../errors";
import { TokenResponse } from "../schemas/oauth";
import { unreadableCause } from "../readBody";
import { send } from "../send";
import { oauthError } from "./oauthError";

/** Trades the authorization code for tokens (server side: it needs the client secret). */
export function exchangeCode(config: KickConfig, p: { code: string; redirectUri: string; codeVerifier: string }) {
  return tokenRequest(config, "exchangeCode", {
    grant_type: "authorization_code",
    code: p.code,
    redirect_uri: p.redirectUri,
    code_verifier: p.codeVerifier,
  });
}

/**
 * Trades a refresh token for a new access token and a new refresh token. Kick rotates the
 * refresh token: persist the returned one before using the access token.
 */
export function refreshToken(config: KickConfig, refreshTokenValue: string) {
  return tokenRequest(config, "refreshToken", { grant_type: "refresh_token", refresh_token: refreshTokenValue });
}

/** An app access token (client credentials): no user, no refresh token; cache it until expiry. */
export function getAppToken(config: KickConfig) {
  return tokenRequest(config, "getAppToken", { grant_type: "client_credentials" });
}

/**
 * POST /oauth/token, form-encoded, client credentials in the body (Kick requires the secret
 * for every grant). Never retried, except for client credentials: a code or refresh token
 * may already have been spent.
 */
async function tokenRequest(config: KickConfig, step: string, fields: Record<string, string>): Promise<TokenResponse> {
  if (!config.clientId || !config.clientSecret)
    throw new TypeError(`${step} needs KICK_CLIENT_ID and KICK_CLIENT_SECRET`);
  const body = new URLSearchParams({ ...fields, client_id: config.clientId, client_secret: config.clientSecret });
  const answer = await send(
    config,
    () =>
      new Request(new URL("/oauth/token", config.idBase), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: body.toString(),
      }),
    { endpoint: step, retryable: fields.grant_type === "client_credentials" },
  );
  if (answer.status < 200 || answer.status > 299) throw oauthError(answer, step);
  const parsed = z.safeParse(TokenResponse, answer.json);
  if (!parsed.success)
    throw new KickUpstreamError(
      `Kick's answer to ${step} is not a token response`,
      answer.isHtml ? "html_challenge" : "unexpected_response",
      answer.status,
      step,
      undefined,
      { cause: unreadableCause(answer, parsed.error.issues) },
    );
  return parsed.data;
}
