import {
  KickBadRequestError,
  KickError,
  KickMissingScopeError,
  KickNotFoundError,
  KickRateLimitedError,
  KickUnauthorizedError,
  KickUpstreamError,
} from "./errors";
import type { KickAnswer } from "./readBody";
import { parseRetryAfter } from "./retryPolicy";

/** Kick's own words from any of its error shapes, short and single-line. */
export function kickMessage(answer: KickAnswer): string {
  const body = answer.json as Record<string, unknown> | undefined;
  const candidates = [body?.data, body?.message, body?.error_description, body?.error];
  const found = candidates.find((c): c is string => typeof c === "string" && c.trim() !== "");
  const text = found ?? (answer.isHtml ? "an HTML page" : answer.text || `HTTP ${answer.status}`);
  return text.replace(/\s+/g, " ").slice(0, 200);
}

/** A non-2xx REST answer as the error class for its kind (docs/kick-api.md §5.3). */
export function restError(answer: KickAnswer, endpoint: string, scope: string | null): KickError {
  const { status } = answer;
  const said = kickMessage(answer);
  if (answer.isHtml) {
    return new KickUpstreamError(
      `Kick answered ${endpoint} with an HTML page (HTTP ${status}), likely a Cloudflare challenge`,
      "html_challenge",
      status,
      endpoint,
    );
  }
  const body = answer.json as Record<string, unknown> | undefined;
  if (status === 403 && typeof body?.error === "string" && /blocked/i.test(body.error)) {
    const reference = typeof body.reference === "string" ? body.reference : undefined;
    return new KickUpstreamError(
      `Kick's firewall blocked ${endpoint}${reference ? ` (reference ${reference})` : ""}`,
      "blocked",
      status,
      endpoint,
      reference,
    );
  }
  if (status === 400 || status === 422)
    return new KickBadRequestError(`Kick refused ${endpoint}: ${said}`, status, endpoint);
  if (status === 401)
    return new KickUnauthorizedError(`Kick refused the token for ${endpoint}: ${said}`, status, endpoint);
  if (status === 403) {
    const needs = scope ? ` (needs scope ${scope})` : "";
    return new KickMissingScopeError(`Kick forbade ${endpoint}${needs}: ${said}`, scope, status, endpoint);
  }
  if (status === 404) return new KickNotFoundError(`Kick found nothing for ${endpoint}: ${said}`, status, endpoint);
  if (status === 429) {
    return new KickRateLimitedError(
      `Kick rate-limited ${endpoint}: ${said}`,
      parseRetryAfter(answer.headers.get("retry-after")),
      status,
      endpoint,
    );
  }
  if (status >= 500)
    return new KickUpstreamError(
      `Kick failed on ${endpoint} (HTTP ${status}): ${said}`,
      "server_error",
      status,
      endpoint,
    );
  return new KickError(`Kick answered ${endpoint} with HTTP ${status}: ${said}`, status, endpoint);
}
