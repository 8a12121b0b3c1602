import * as z from "zod/mini";
import { buildRestRequest } from "./buildRestRequest";
import type { KickConfig } from "./config";
import { ENDPOINTS, type Endpoint, type EndpointName } from "./endpoints";
import { KickUpstreamError } from "./errors/KickUpstreamError";
import { restError } from "./restError";
import { retryPolicyOf, send } from "./send";
import type { TokenSource } from "./tokenSource";
import { validate } from "./validate";

type Def<N extends EndpointName> = (typeof ENDPOINTS)[N];
export type InputOf<N extends EndpointName> = z.input<Def<N>["input"]>;
type DataOf<N extends EndpointName> = Def<N>["output"] extends z.ZodMiniType ? z.output<Def<N>["output"]> : undefined;

export interface Page<T> {
  data: T;
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export type OutputOf<N extends EndpointName> = Def<N> extends { paginated: true } ? Page<DataOf<N>> : DataOf<N>;

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * One REST call: validate (nothing is sent on bad input), send with retries, on a 401 ask
 * the token source once for a fresh token, and parse Kick's envelope into typed data.
 */
export async function callEndpoint<N extends EndpointName>(
  config: KickConfig,
  tokens: TokenSource | null,
  name: N,
  input: InputOf<N>,
  options: CallOptions = {},
): Promise<OutputOf<N>> {
  const endpoint: Endpoint = ENDPOINTS[name];
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
  if (endpoint.output === null) return undefined as OutputOf<N>;

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
    );
  }
  if (endpoint.paginated) {
    return { data: data.data, nextCursor: envelope.pagination?.next_cursor || null } as OutputOf<N>;
  }
  return data.data as OutputOf<N>;
}
