import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * One project per Worker, each running in its own workerd with that Worker's bindings from
 * wrangler.toml. The shared Kick client is tested inside the emulator's project, where
 * `SELF` is the emulated Kick.
 */
const worker = (environment: string, include: string[]) => ({
  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml", environment } })],
  test: { name: environment, include },
});

export default defineConfig({
  test: {
    projects: [
      worker("kick-emulator", ["test/kick-emulator/**/*.test.ts", "test/shared/**/*.test.ts"]),
      // End to end: the Workers under `wrangler dev`, driven over real HTTP from Node.
      { test: { name: "e2e", include: ["test/e2e/**/*.e2e.test.ts"], environment: "node", globalSetup: ["test/e2e/globalSetup.ts"], testTimeout: 30_000, hookTimeout: 90_000 } },
    ],
  },
});
