// The Workers of wrangler.toml: one [env.<name>] section each, with its own `main`.
import { existsSync, readFileSync } from "node:fs";
import { delimiter, resolve } from "node:path";

/** Local ports the docs and tests rely on (docs/architecture.md, "Local ports"); a Worker not listed gets the next free one. */
export const PORTS = { oauth: 8787, automations: 8788, webhooks: 8789, refresh: 8790, "kick-emulator": 8791 };

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
  const text = readFileSync(configPath, "utf8");
  const found = [];
  let next = 8792;
  for (const section of text.split(/^(?=\[)/m)) {
    const header = /^\[env\.([\w-]+)\]\s*$/m.exec(section.split("\n")[0]);
    if (!header) continue;
    const main = /^main\s*=\s*["']([^"']+)["']/m.exec(section)?.[1];
    if (!main || !existsSync(main)) continue;
    const name = header[1];
    found.push({
      name,
      main,
      port: PORTS[name] ?? next++,
      usesD1: new RegExp(`\\[\\[env\\.${name}\\.d1_databases\\]\\]`).test(text),
    });
  }
  return found;
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
