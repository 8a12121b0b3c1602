import * as z from "zod/mini";
import type { KickConfig } from "../config";
import { KickUpstreamError } from "../errors";
import { Introspection } from "../schemas/oauth";
import { unreadableCause } from "../readBody";
import { send } from "../send";
import { oauthError } from "./oauthError";

/**
 * Asks Kick whether a token is alive, for whom and with which scopes. Uses the id host
 * (since 2026-01-15) and falls back to the deprecated api-host path on a 404.
 */
export async function introspectToken(config: KickConfig, token: string): Promise<Introspection> {
  const attempt = (base: string, path: string) =>
    send(
      config,
      () =>
        new Request(new URL(path, base), {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, accept: "application/json" },
        }),
      {
        endpoint: "introspectToken",
        retryable: true,
      },
    );
  let answer = await attempt(config.idBase, "/oauth/token/introspect");
  if (answer.status === 404) answer = await attempt(config.apiBase, "/public/v1/token/introspect");
  if (answer.status < 200 || answer.status > 299) throw oauthError(answer, "introspectToken");
  const parsed = z.safeParse(Introspection, (answer.json as { data?: unknown } | undefined)?.data);
  if (!parsed.success)
    throw new KickUpstreamError(
      "Kick's introspection answer has an unexpected shape",
      "unexpected_response",
      answer.status,
      "introspectToken",
      undefined,
      { cause: unreadableCause(answer, parsed.error.issues) },
    );
  return parsed.data;
}
