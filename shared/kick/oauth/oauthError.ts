import { KickInvalidGrantError, KickOAuthError, type KickError } from "../errors";
import { restError, kickMessage } from "../restError";
import type { KickAnswer } from "../readBody";

/** A failed answer from id.kick.com: OAuth's `{error, error_description}`, or Kick's other shapes. */
export function oauthError(answer: KickAnswer, step: string): KickError {
  const body = answer.json as { error?: unknown } | undefined;
  const oauthCode = typeof body?.error === "string" && /^[a-z_]+$/.test(body.error) ? body.error : undefined;
  if (oauthCode && answer.status < 500) {
    const message = `Kick refused ${step}: ${oauthCode} (${kickMessage(answer)})`;
    return oauthCode === "invalid_grant"
      ? new KickInvalidGrantError(message, oauthCode, answer.status, step)
      : new KickOAuthError(message, oauthCode, answer.status, step);
  }
  return restError(answer, step, null);
}
