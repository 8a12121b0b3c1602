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

/**
 * Every `[env.<name>]` whose `main` file exists, in wrangler.toml order, with its port, the
 * names of its vars and required secrets, and its crons.
 */
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
      migrationsDir: section.d1_databases?.[0]?.migrations_dir ?? "migrations",
      vars: Object.keys(section.vars ?? {}),
      secrets: section.secrets?.required ?? [],
      crons: section.triggers?.crons ?? [],
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

/**
 * `wrangler dev`'s arguments and environment for one Worker of `npm start`, given the values
 * npm start supplies. Each Worker gets only the names its wrangler.toml section has, as
 * `npm run deploy` sets only those. Its required secrets go in the environment, where wrangler
 * looks for them: a `--var` is a plain var to wrangler, so secrets passed that way worked but
 * drew a false "Missing required secrets" warning. wrangler reads the environment only when it
 * reads no .dev.vars; with one, naming it as the env file has wrangler read both, the file's
 * values winning as they do when wrangler reads it alone (a `$NAME` in a .dev.vars value is
 * then expanded, dotenv's way: write `\$` for a plain dollar sign).
 */
export function devCommand(
  w,
  provided,
  state,
  devVarsFile = [`.dev.vars.${w.name}`, ".dev.vars"].find((f) => existsSync(f)) ?? null,
) {
  const args = ["dev", "--env", w.name, "--port", String(w.port), "--ip", "127.0.0.1", "--persist-to", state];
  args.push("--inspector-port", "0", "--show-interactive-dev-session=false");
  // Service bindings (automations -> rules, -> refresh) resolve in this suite's own registry,
  // not in one shared with other wrangler dev sessions on the machine (the e2e tests' own).
  const env = { ...QUIET_ENV, WRANGLER_REGISTRY_PATH: `${state}/registry` };
  let secretsInEnv = false;
  for (const [key, value] of Object.entries(provided)) {
    if (w.secrets.includes(key)) [env[key], secretsInEnv] = [value, true];
    else if (w.vars.includes(key)) args.push("--var", `${key}:${value}`);
  }
  if (secretsInEnv && devVarsFile) {
    args.push("--env-file", devVarsFile);
    for (const key of Object.keys(devVars(devVarsFile))) if (!(key in provided)) delete env[key];
  }
  return { args, env };
}
