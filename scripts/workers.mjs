// The Workers of wrangler.toml: one [env.<name>] section each, with its own `main`.
import { existsSync, readFileSync } from "node:fs";
import { delimiter, resolve } from "node:path";
import { parse } from "smol-toml";

/** Local ports the docs and tests rely on (docs/architecture.md, "Local ports"); a Worker not listed gets the next free one. */
export const PORTS = {
  oauth: 8787,
  automations: 8788,
  webhooks: 8789,
  refresh: 8790,
  "kick-emulator": 8791,
  rules: 8792,
  "control-room": 8793,
};

export const WRANGLER = "node_modules/.bin/wrangler";

/**
 * No telemetry and no fetch of Cloudflare's `Request.cf` sample (local runs stay off the
 * network), and no local trace store (it would keep request URLs and storage keys on disk).
 * node_modules/.bin goes first on PATH, as under `npm run`: wrangler then runs on the Node 24
 * devDependency even when this script was started as `node scripts/...` with the system's Node 20.
 */
export const QUIET_ENV = {
  ...process.env,
  PATH: [resolve("node_modules/.bin"), process.env.PATH].filter(Boolean).join(delimiter),
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  X_LOCAL_OBSERVABILITY: "false",
};

/** Every `[env.<name>]` whose `main` file exists, in wrangler.toml order, with its port. */
export function workers(configPath = "wrangler.toml") {
  // The same parser as `npm run deploy` (scripts/deploy/config.mjs), so both see the same Workers.
  const envs = parse(readFileSync(configPath, "utf8")).env ?? {};
  let next = 8794;
  return Object.entries(envs)
    .filter(([, section]) => section.main && existsSync(section.main))
    .map(([name, section]) => ({
      name,
      main: section.main,
      port: PORTS[name] ?? next++,
      usesD1: (section.d1_databases ?? []).length > 0,
    }));
}

/** KEY=VALUE lines of .dev.vars (wrangler's local secrets file), if there is one. */
export function devVars(path = ".dev.vars") {
  if (!existsSync(path)) return {};
  return Object.fromEntries(
    readFileSync(path, "utf8")
      .split("\n")
      .map((line) => /^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
}
