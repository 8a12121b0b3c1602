import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { buildEmulator } from "./test/helpers/buildEmulator.ts";

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

export const worker = (environment: string, include: string[], withKick = false) => ({
  plugins: [
    cloudflareTest(async () => {
      const migrations = await readD1Migrations("migrations");
      return {
        wrangler: { configPath: "./wrangler.toml", environment },
        miniflare: withKick
          ? {
              bindings: { ...TEST_SECRETS, TEST_MIGRATIONS: migrations },
              outboundService: "kick-emulator",
              workers: [
                {
                  name: "kick-emulator",
                  modules: true,
                  scriptPath: await buildEmulator(),
                  compatibilityDate: "2026-11-01",
                  durableObjects: { KICK_STATE: { className: "KickState", useSQLite: true } },
                  bindings: {
                    EMULATOR_ACCESS_TOKEN_TTL: "7200",
                    EMULATOR_REFRESH_GRACE: "0",
                    EMULATOR_AUTO_APPROVE: "false",
                  },
                },
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
      worker("oauth", ["test/oauth/**/*.test.ts"], true),
      worker("automations", ["test/automations/**/*.test.ts"], true),
      worker("webhooks", ["test/webhooks/**/*.test.ts"], true),
      worker("refresh", ["test/refresh/**/*.test.ts"], true),
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
