import type { LiveStreams, RelaySecrets, RelayTests, Subscriptions } from "../webhooks/index";

/**
 * The control room's bindings, as `wrangler types` generated them, with the RPC bindings'
 * methods typed. It runs the rules Worker's actions, so it has what they read: D1, the rules
 * Worker's vars (wrangler.toml keeps the two sections alike), and the webhooks Worker's RPC.
 */
export type ControlRoomEnv = Omit<
  Cloudflare.ControlRoomEnv,
  "RELAY_SECRETS" | "SUBSCRIPTIONS" | "LIVE_STREAMS" | "RELAY_TESTS"
> & {
  RELAY_SECRETS: Service<RelaySecrets>;
  SUBSCRIPTIONS: Service<Subscriptions>;
  LIVE_STREAMS: Service<LiveStreams>;
  RELAY_TESTS: Service<RelayTests>;
};
