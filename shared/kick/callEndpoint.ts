import * as z from "zod/mini";
import { buildRestRequest } from "./buildRestRequest";
import type { KickConfig } from "./config";
import type { Endpoint } from "./endpoints";
import { KickUpstreamError } from "./errors";
import { unreadableCause } from "./readBody";
import { restError } from "./restError";
import { retryPolicyOf, send } from "./send";
import type { TokenSource } from "./tokenSource";
import { validate } from "./validate";

export type InputOf<E extends Endpoint> = z.input<E["input"]>;
type DataOf<E extends Endpoint> = E["output"] extends z.ZodMiniType ? z.output<E["output"]> : undefined;

export interface Page<T> {
  data: T;
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export type OutputOf<E extends Endpoint> = E extends { paginated: true } ? Page<DataOf<E>> : DataOf<E>;

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * One REST call: validate (nothing is sent on bad input), send with retries, on a 401 ask
 * the token source once for a fresh token, and parse Kick's envelope into typed data.
 */
export async function callEndpoint<E extends Endpoint>(
  config: KickConfig,
  tokens: TokenSource | null,
  name: string,
  endpoint: E,
  input: InputOf<E>,
  options: CallOptions = {},
): Promise<OutputOf<E>> {
  const parsed = validate(endpoint.input, input ?? {}, name) as Record<string, unknown>;
  const retryable = endpoint.retry ?? retryPolicyOf(config).methods.includes(endpoint.method);
  const needsToken = endpoint.auth !== "none";
  if (needsToken && !tokens) throw new TypeError(`${name} needs a token source`);

  let token = needsToken ? await tokens!.getToken() : null;
  let answer = await send(config, () => buildRestRequest(config.apiBase, endpoint, parsed, token), {
    endpoint: name,
    retryable,
    signal: options.signal,
  });
  if (answer.status === 401 && token !== null && tokens?.refresh) {
    token = await tokens.refresh(token);
    answer = await send(config, () => buildRestRequest(config.apiBase, endpoint, parsed, token), {
      endpoint: name,
      retryable,
      signal: options.signal,
    });
  }
  if (answer.status < 200 || answer.status > 299) throw restError(answer, name, endpoint.scope);
  if (endpoint.output === null) return undefined as OutputOf<E>;

  const envelope = answer.json as { data?: unknown; pagination?: { next_cursor?: string | null } } | undefined;
  if (
    answer.isHtml ||
    envelope === undefined ||
    typeof envelope !== "object" ||
    envelope === null ||
    !("data" in envelope)
  ) {
    throw new KickUpstreamError(
      `Kick answered ${name} with something that is not its JSON envelope`,
      answer.isHtml ? "html_challenge" : "unexpected_response",
      answer.status,
      name,
      undefined,
      { cause: unreadableCause(answer) },
    );
  }
  const data = z.safeParse(endpoint.output, envelope.data);
  if (!data.success) {
    const where = data.error.issues
      .slice(0, 3)
      .map((i) => i.path.join(".") || "data")
      .join(", ");
    throw new KickUpstreamError(
      `Kick's answer to ${name} has an unexpected shape (at ${where})`,
      "unexpected_response",
      answer.status,
      name,
      undefined,
      { cause: unreadableCause(answer, data.error.issues) },
    );
  }
  if (endpoint.paginated) {
    return { data: data.data, nextCursor: envelope.pagination?.next_cursor || null } as OutputOf<E>;
  }
  return data.data as OutputOf<E>;
}
