import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { defineConfig } from "vitest/config";
import { buildWorker } from "./test/helpers/buildWorker.ts";
import { D1_ID, KV_ID, REFRESHER, TEST_SECRETS, worker } from "./vitest.config.ts";

const refresh = worker("refresh", [], true);
/**
 * The trigger run also times the automations Worker as it ships: its bundle, run beside the
 * bench with wrangler.toml's vars and rate limits and the same bindings (SELF runs the same code
 * inside vitest's module runner, which wraps every call; the counts are taken there).
 */
type Limit = { name: string; namespace_id: string; simple: { limit: number; period: 60 } };
const { env: toml } = parse(readFileSync("wrangler.toml", "utf8")) as unknown as {
  env: { automations: { vars: Record<string, string>; ratelimits: Limit[] } };
};
// The chat cap (20 a channel a minute) raised, not removed: each post still takes its limiter call.
const CHAT_LIMITER = { namespace_id: "1002", simple: { limit: 1_000_000, period: 60 as const } };
const RATELIMITS = {
  ...Object.fromEntries(toml.automations.ratelimits.map(({ name, ...limit }) => [name, limit])),
  CHAT_LIMITER,
};
const automations = worker("automations", [], true, { ratelimits: { CHAT_LIMITER } });
const trigger = worker(
  "automations",
  [],
  true,
  {
    ratelimits: { CHAT_LIMITER },
    serviceBindings: { AUTOMATIONS_BUNDLE: "kick-edge-automations-bundle" },
  },
  async () => [
    {
      name: "kick-edge-automations-bundle",
      modules: true,
      scriptPath: await buildWorker("automations", "functions/automations/index.ts"),
      compatibilityDate: "2026-11-01",
      bindings: { ...toml.automations.vars, ...TEST_SECRETS },
      d1Databases: { DB: D1_ID },
      kvNamespaces: { TOKENS: KV_ID },
      ratelimits: RATELIMITS,
      outboundService: "kick-emulator",
      serviceBindings: { RULES: "kick-edge-rules", ...REFRESHER },
    },
  ],
);
const webhooks = worker("webhooks", [], true);

/** Scale and load runs for `npm run bench` (not part of `npm test`): in workerd, with the emulator as Kick. */
export default defineConfig({
  define: {
    __BENCH_REFRESH_ACCOUNTS__: String(Number(process.env.BENCH_REFRESH_ACCOUNTS) || 10_000),
    __BENCH_HISTORY_DAYS__: String(Number(process.env.BENCH_HISTORY_DAYS) || 365),
  },
  test: {
    // One run at a time: two runs sharing this machine's cores would time each other.
    fileParallelism: false,
    projects: [
      { ...refresh, test: { ...refresh.test, name: "bench-refresh", include: ["bench/refreshScale.bench.ts"] } },
      { ...trigger, test: { ...trigger.test, name: "bench-trigger", include: ["bench/trigger.bench.ts"] } },
      {
        ...automations,
        test: { ...automations.test, name: "bench-history", include: ["bench/kicksHistory.bench.ts"] },
      },
      { ...webhooks, test: { ...webhooks.test, name: "bench-webhooks", include: ["bench/webhooks.bench.ts"] } },
    ],
  },
});
