import { build } from "esbuild";

/**
 * Bundles one Worker of this repository (by its wrangler.toml env name) so other Workers'
 * tests can run it beside them in the same workerd: the emulator as Kick (reached through
 * their outbound fetch), or a Worker they reach through a service binding.
 */
export async function buildWorker(env: string, main: string): Promise<string> {
  const outfile = `node_modules/.cache/kick-edge/${env}.js`;
  await build({
    entryPoints: [main],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*"],
    logLevel: "error",
  });
  return outfile;
}
