import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { buildWorker } from "./test/helpers/buildWorker.ts";

/** Secrets the Workers under test run with; never real ones. */
export const TEST_SECRETS = {
  KICK_ID_BASE: "http://kick.test",
  KICK_API_BASE: "http://kick.test",
  KICK_CLIENT_ID: "emulator-client",
  KICK_CLIENT_SECRET: "emulator-secret",
  // 32 bytes of 0x01..0x20, base64: a fixed test key.
  TOKEN_ENCRYPTION_KEY: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
  ADMIN_SECRET: "correct horse battery staple",
  OAUTH_REDIRECT_URI: "http://127.0.0.1:8787/callback",
};

/**
 * One project per Worker, each in its own workerd with that Worker's bindings from
 * wrangler.toml. The emulator's own tests (and the shared client's) run in its project,
 * where `SELF` is the emulated Kick. Every other Worker runs with the emulator beside it:
 * all its outbound fetches (to `http://kick.test`) reach the emulator, and nothing else.
 */
/** The emulator's own tests: it delivers events to no one (there is no webhooks Worker beside it). */
const EMULATOR_ALONE: { bindings: Record<string, string> } = { bindings: { EMULATOR_WEBHOOK_URL: "" } };

/** wrangler.toml's placeholder ids: Workers in one workerd that name the same id share the data. */
export const D1_ID = "00000000-0000-0000-0000-000000000000";
export const KV_ID = "00000000000000000000000000000000";

/** Binds `binding` to another Worker's named RPC entrypoint. */
const rpc = (binding: string, name: string, entrypoint: string) => ({ [binding]: { name, entrypoint } });
export const REFRESHER = rpc("REFRESHER", "kick-edge-refresh", "Refresher");

/**
 * The Workers a Worker under test reaches through service bindings, run beside it as in
 * production and sharing its D1 and KV: the rules Worker (the automations Worker forwards the
 * rules paths to it), the webhooks Worker (it makes relay secrets for the rules Worker), and
 * the refresh Worker (it refreshes tokens on demand for both).
 */
const RULES_VARS = {
  OAUTH_URL: "http://127.0.0.1:8787",
  RELAY_HTTP_HOSTS: "localhost,127.0.0.1",
  MAX_RELAYS_PER_ACCOUNT: "10",
};
const BOUND = {
  "control-room": {
    // The rules Worker's vars, and where the automations Worker answers (the alerts overlay's URL).
    bindings: { ...RULES_VARS, AUTOMATIONS_URL: "http://127.0.0.1:8788" },
    d1Databases: { DB: D1_ID },
    serviceBindings: {
      ...rpc("RELAY_SECRETS", "kick-edge-webhooks", "RelaySecrets"),
      ...rpc("SUBSCRIPTIONS", "kick-edge-webhooks", "Subscriptions"),
      ...rpc("LIVE_STREAMS", "kick-edge-webhooks", "LiveStreams"),
      ...rpc("RELAY_TESTS", "kick-edge-webhooks", "RelayTests"),
    },
  },
  rules: {
    bindings: RULES_VARS,
    d1Databases: { DB: D1_ID },
    ratelimits: { KEY_LIMITER: { namespace_id: "1001", simple: { limit: 60, period: 60 as const } } },
    serviceBindings: {
      ...rpc("RELAY_SECRETS", "kick-edge-webhooks", "RelaySecrets"),
      ...rpc("SUBSCRIPTIONS", "kick-edge-webhooks", "Subscriptions"),
    },
  },
  webhooks: {
    bindings: {
      ...TEST_SECRETS,
      WEBHOOK_MAX_AGE_SECONDS: "300",
      SUBSCRIPTION_SYNC_MINUTES: "10",
      RELAY_HTTP_HOSTS: "localhost,127.0.0.1",
    },
    d1Databases: { DB: D1_ID },
    kvNamespaces: { TOKENS: KV_ID },
    // The go-live announcement and event replies post through the shared chat cap (wrangler.toml).
    ratelimits: { CHAT_LIMITER: { namespace_id: "1002", simple: { limit: 20, period: 60 as const } } },
    outboundService: "kick-emulator",
    serviceBindings: REFRESHER,
  },
  refresh: {
    bindings: { ...TEST_SECRETS, REFRESH_WINDOW_MINUTES: "30", KICKS_KEEP_ALL_DAYS: "7", KICKS_KEEP_HOURLY_DAYS: "90" },
    d1Databases: { DB: D1_ID },
    kvNamespaces: { TOKENS: KV_ID },
    outboundService: "kick-emulator",
  },
};
const BESIDE: Record<string, (keyof typeof BOUND)[]> = {
  automations: ["rules", "webhooks", "refresh"],
  webhooks: ["refresh"],
  oauth: ["control-room", "webhooks", "refresh"],
};
/** A Worker's folder, where it is not named as its wrangler env is. */
const FOLDERS: Record<string, string> = { "control-room": "controlRoom" };
const bound = (environment: string) =>
  Promise.all(
    (BESIDE[environment] ?? []).map(async (name) => ({
      name: `kick-edge-${name}`,
      modules: true,
      scriptPath: await buildWorker(name, `functions/${FOLDERS[name] ?? name}/index.ts`),
      compatibilityDate: "2026-11-01",
      ...BOUND[name],
    })),
  );

/**
 * `extra` adds to the Worker's own miniflare options (the bench raises the chat cap, so a run
 * of 2,000 posts measures the path, limiter call included, rather than the cap); `beside`, more
 * Workers run next to it (the bench times the automations Worker as bundled).
 */
export const worker = (
  environment: string,
  include: string[],
  withKick = false,
  extra: object = {},
  beside: () => Promise<object[]> = async () => [],
) => ({
  plugins: [
    cloudflareTest(async () => {
      const migrations = await readD1Migrations("migrations");
      return {
        wrangler: { configPath: "./wrangler.toml", environment },
        miniflare: withKick
          ? {
              ...extra,
              bindings: { ...TEST_SECRETS, TEST_MIGRATIONS: migrations },
              outboundService: "kick-emulator",
              workers: [
                {
                  name: "kick-emulator",
                  modules: true,
                  scriptPath: await buildWorker("kick-emulator", "functions/kick-emulator/index.ts"),
                  compatibilityDate: "2026-11-01",
                  durableObjects: { KICK_STATE: { className: "KickState", useSQLite: true } },
                  // Where a webhooks Worker runs beside, the emulator's deliveries reach it, as under
                  // npm start (a test sets the emulator's webhook_url; by default it delivers nothing).
                  ...(BESIDE[environment]?.includes("webhooks") ? { outboundService: "kick-edge-webhooks" } : {}),
                  bindings: {
                    EMULATOR_ACCESS_TOKEN_TTL: "7200",
                    EMULATOR_REFRESH_GRACE: "0",
                    EMULATOR_AUTO_APPROVE: "false",
                  },
                },
                ...(await bound(environment)),
                // Miniflare checks them; its worker options type is not exported to name here.
                ...((await beside()) as Awaited<ReturnType<typeof bound>>),
              ],
            }
          : EMULATOR_ALONE,
      };
    }),
  ],
  test: { name: environment, include, setupFiles: withKick ? ["test/helpers/applyMigrations.ts"] : [] },
});

export default defineConfig({
  test: {
    projects: [
      worker("kick-emulator", ["test/kick-emulator/**/*.test.ts", "test/shared/**/*.test.ts"]),
      worker("oauth", ["test/oauth/**/*.test.ts", "test/controlRoom/**/*.test.ts"], true),
      worker("automations", ["test/automations/**/*.test.ts"], true),
      worker("webhooks", ["test/webhooks/**/*.test.ts"], true),
      worker("refresh", ["test/refresh/**/*.test.ts"], true),
      // Node alone: third-party tools over our files (validators), and the scripts' own logic.
      { test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node" } },
      // End to end: the Workers under `wrangler dev`, driven over real HTTP from Node.
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.e2e.test.ts", "test/deploy/**/*.e2e.test.ts"],
          environment: "node",
          globalSetup: ["test/e2e/globalSetup.ts"],
          testTimeout: 30_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
