// What gets deployed, derived from wrangler.toml (the one source of Workers, bindings and
// crons): which Workers, which resources they share, their production settings, and the
// config file handed to wrangler with real ids and URLs in place of the local ones.
/* global URL */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parse } from "smol-toml";

/** Development only: the Kick emulator is never uploaded next to real tokens. */
export const NEVER_DEPLOYED = new Set(["kick-emulator"]);

/** The folder (git-ignored) for the generated config and what must survive a failed run; tests use their own. */
export const DEPLOY_DIR = process.env.KICK_EDGE_DEPLOY_DIR || ".deploy";

/** The secrets this command generates when a Worker lacks them; the rest are the Kick app's. */
export const GENERATED_SECRETS = new Set(["TOKEN_ENCRYPTION_KEY", "ADMIN_SECRET"]);
export const KICK_SECRETS = ["KICK_CLIENT_ID", "KICK_CLIENT_SECRET"];

/**
 * A Worker is uploaded after those it binds to (Cloudflare refuses a service binding to a
 * Worker that does not exist yet), and the connect page last, once everything it hands out works.
 */
const ORDER = ["refresh", "webhooks", "rules", "control-room", "automations", "oauth"];

/**
 * The deployable Workers of wrangler.toml, in upload order: each with its wrangler env
 * name, script name, crons, required secrets, the shared resources it binds, and whether it
 * is private (`workers_dev = false` and no routes: reached only through service bindings).
 */
export function readProject(configPath = "wrangler.toml") {
  const toml = parse(readFileSync(configPath, "utf8"));
  const workers = Object.entries(toml.env ?? {})
    .filter(([env]) => !NEVER_DEPLOYED.has(env))
    .map(([env, section]) => ({
      env,
      script: section.name,
      crons: section.triggers?.crons ?? [],
      secrets: section.secrets?.required ?? [],
      kv: (section.kv_namespaces ?? []).map((k) => k.binding),
      d1: (section.d1_databases ?? []).map((d) => d.database_name),
      private: section.workers_dev === false && !section.routes,
    }))
    .sort((a, b) => rank(a.env) - rank(b.env));
  const kvBindings = [...new Set(workers.flatMap((w) => w.kv))];
  return {
    toml,
    prefix: toml.name,
    workers,
    // One namespace per binding name, shared by every Worker that binds it (wrangler's own
    // provisioning would make one per Worker, and the Workers must share their tokens).
    kv: kvBindings.map((binding) => ({ binding, title: `${toml.name}-${binding.toLowerCase()}` })),
    d1: [...new Set(workers.flatMap((w) => w.d1))],
    migrationsDir: Object.values(toml.env).flatMap((s) => s.d1_databases ?? [])[0]?.migrations_dir ?? "migrations",
  };
}
const rank = (env) => (ORDER.includes(env) ? ORDER.indexOf(env) : ORDER.length - 1);

/** Every public Worker's origin: `<domain>` gives `<env>.<domain>`, otherwise workers.dev. */
export function origins(project, { subdomain, domain }) {
  return Object.fromEntries(
    project.workers
      .filter((w) => !w.private)
      .map((w) => [
        w.env,
        domain ? `https://${w.env}.${domain}` : `https://${w.script}.${subdomain ?? "<your-subdomain>"}.workers.dev`,
      ]),
  );
}

/**
 * Production values for the settings that are local in wrangler.toml: Kick itself (not the
 * emulator), the deployed URLs, no plain-http relay hosts. Only names a Worker already has are set.
 */
export function productionVars(urls, options) {
  return {
    KICK_ID_BASE: "",
    KICK_API_BASE: "",
    OAUTH_REDIRECT_URI: `${urls.oauth}/callback`,
    AUTOMATIONS_URL: urls.automations,
    OAUTH_URL: urls.oauth,
    RELAY_HTTP_HOSTS: "",
    ...(options.allowedKickUsers !== undefined ? { ALLOWED_KICK_USERS: options.allowedKickUsers } : {}),
  };
}

/** A deployed Worker would get a value pointing at this machine or a test host. */
export class UnsafeConfigError extends Error {
  name = "UnsafeConfigError";
}

/** A value that would point a deployed Worker at this machine. */
export const LOOPBACK =
  /\b(localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0)\b|(^|[^\w:])::1\b|\.test(?=[:/,]|$)|<your-subdomain>/i;

/**
 * wrangler's config for the deploy, as JSON in DEPLOY_DIR: wrangler.toml with the real
 * resource ids, production vars, custom domains, and paths made relative to DEPLOY_DIR.
 * Refuses (throws) when any var would still point at a loopback or test host.
 */
export function deployConfig(project, { kvIds, d1Ids, urls, domain, options }) {
  const { env: envs, ...top } = structuredClone(project.toml);
  // wrangler reads paths relative to its config file, which lives in DEPLOY_DIR.
  const up = (path) => relative(resolve(DEPLOY_DIR), resolve(path));
  const vars = productionVars(urls, options);
  const env = {};
  for (const w of project.workers) {
    const section = envs[w.env];
    section.main = up(section.main);
    if (section.assets?.directory) section.assets.directory = up(section.assets.directory);
    for (const kv of section.kv_namespaces ?? []) kv.id = kvIds[kv.binding];
    for (const d1 of section.d1_databases ?? [])
      Object.assign(d1, {
        database_id: d1Ids[d1.database_name],
        migrations_dir: up(d1.migrations_dir ?? "migrations"),
      });
    for (const name of Object.keys(section.vars ?? {})) if (name in vars) section.vars[name] = vars[name];
    // The refresh Worker runs inline (no queue to create): see docs/deploy.md.
    delete section.queues;
    if (w.private) section.workers_dev = false;
    else if (domain) {
      section.routes = [{ pattern: new URL(urls[w.env]).host, custom_domain: true }];
      section.workers_dev = false;
    } else section.workers_dev = true;
    env[w.env] = section;
  }
  const bad = Object.entries(env).flatMap(([name, s]) =>
    Object.entries(s.vars ?? {})
      .filter(([, v]) => LOOPBACK.test(String(v)))
      .map(([k, v]) => `${name}: ${k} = ${v}`),
  );
  if (bad.length)
    throw new UnsafeConfigError(
      `Refusing to deploy: these settings point at this machine or a test host, not the deployed Workers:\n  ${bad.join("\n  ")}`,
    );
  return { ...top, env };
}
