import { callEndpoint, type CallOptions, type InputOf, type OutputOf } from "./callEndpoint";
import type { KickConfig } from "./config";
import { ENDPOINTS, type EndpointName } from "./endpoints";
import type { TokenSource } from "./tokenSource";

// Optional when every field is: `Record<never, never>` is the empty input.
type InputArg<N extends EndpointName> =
  Record<never, never> extends InputOf<N>
    ? [input?: InputOf<N>, options?: CallOptions]
    : [input: InputOf<N>, options?: CallOptions];

/** One typed method per row of the endpoint table, e.g. `kick.sendChat({...})`. */
export type KickClient = { [N in EndpointName]: (...args: InputArg<N>) => Promise<OutputOf<N>> };

/**
 * The Kick REST client. `tokens` is null for a client that only calls endpoints that take
 * no token (the public key).
 */
export function createKickClient(config: KickConfig, tokens: TokenSource | null): KickClient {
  const client = {} as Record<string, unknown>;
  for (const name of Object.keys(ENDPOINTS) as EndpointName[]) {
    client[name] = (input?: unknown, options?: CallOptions) =>
      callEndpoint(config, tokens, name, (input ?? {}) as never, options);
  }
  return client as KickClient;
}
