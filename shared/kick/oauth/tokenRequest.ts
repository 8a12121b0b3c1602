import * as z from "zod/mini";
import type { KickConfig } from "../config";
import { KickUpstreamError } from "../errors/KickUpstreamError";
import { TokenResponse } from "../schemas/oauth";
import { send } from "../send";
import { oauthError } from "./oauthError";

/**
 * POST /oauth/token, form-encoded, client credentials in the body (Kick requires the secret
 * for every grant). Never retried: a code or refresh token may already have been spent.
 */
export async function tokenRequest(
  config: KickConfig,
  step: string,
  fields: Record<string, string>,
): Promise<TokenResponse> {
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
    );
  return parsed.data;
}
