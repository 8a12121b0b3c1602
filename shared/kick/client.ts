import { callEndpoint, type CallOptions, type InputOf, type OutputOf } from "./callEndpoint";
import type { KickConfig } from "./config";
import type { Endpoint, EndpointName, EndpointTable, ENDPOINTS } from "./endpoints";
import type { TokenSource } from "./tokenSource";

// Optional when every field is: `Record<never, never>` is the empty input.
type InputArg<E extends Endpoint> =
  Record<never, never> extends InputOf<E>
    ? [input?: InputOf<E>, options?: CallOptions]
    : [input: InputOf<E>, options?: CallOptions];

/** One typed method per row of an endpoint table, e.g. `kick.sendChat({...})`. */
export type ClientOf<T extends EndpointTable> = {
  [N in keyof T]: (...args: InputArg<T[N]>) => Promise<OutputOf<T[N]>>;
};

/**
 * A client that can call the named endpoints. Code that takes a client names the ones it
 * calls, so any Worker's client that has them will do: `KickClient<"sendChat">`.
 */
export type KickClient<N extends EndpointName = EndpointName> = ClientOf<Pick<typeof ENDPOINTS, N>>;

/**
 * The Kick REST client for the endpoints in `endpoints` (groups from `schemas/`, spread
 * together). `tokens` is null for a client that only calls endpoints that take no token
 * (the public key).
 */
export function kickClient<T extends EndpointTable>(
  endpoints: T,
  config: KickConfig,
  tokens: TokenSource | null,
): ClientOf<T> {
  const client = {} as Record<string, unknown>;
  for (const [name, endpoint] of Object.entries(endpoints)) {
    client[name] = (input?: unknown, options?: CallOptions) =>
      callEndpoint(config, tokens, name, endpoint, input ?? {}, options);
  }
  return client as ClientOf<T>;
}
