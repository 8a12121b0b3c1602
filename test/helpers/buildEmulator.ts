import { build } from "esbuild";

export const EMULATOR_BUNDLE = "node_modules/.cache/kick-edge/kick-emulator.js";

/**
 * Bundles the emulator Worker so other Workers' tests can run it beside them as Kick
 * (an auxiliary worker in the same workerd, reached through their outbound fetch).
 */
export async function buildEmulator(): Promise<string> {
  await build({
    entryPoints: ["functions/kick-emulator/index.ts"],
    outfile: EMULATOR_BUNDLE,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*"],
    logLevel: "error",
  });
  return EMULATOR_BUNDLE;
}
