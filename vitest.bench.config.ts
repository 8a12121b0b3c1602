import { defineConfig } from "vitest/config";
import { worker } from "./vitest.config.ts";

const refresh = worker("refresh", [], true);
// The chat cap (20 a channel a minute) raised, not removed: each post still takes its limiter call.
const automations = worker("automations", [], true, {
  ratelimits: { CHAT_LIMITER: { namespace_id: "1002", simple: { limit: 1_000_000, period: 60 as const } } },
});
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
      { ...automations, test: { ...automations.test, name: "bench-trigger", include: ["bench/trigger.bench.ts"] } },
      {
        ...automations,
        test: { ...automations.test, name: "bench-history", include: ["bench/kicksHistory.bench.ts"] },
      },
      { ...webhooks, test: { ...webhooks.test, name: "bench-webhooks", include: ["bench/webhooks.bench.ts"] } },
    ],
  },
});
