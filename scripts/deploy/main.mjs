#!/usr/bin/env node
// npm run deploy: the whole suite into the streamer's own Cloudflare account in one command.
// Look first (read-only), print the plan, then act in an order that a re-run can always
// finish: resources, migrations, then one upload per Worker carrying its secrets. Generated
// secrets are written to .deploy/ before anything is changed, and removed once every Worker
// has them, because Cloudflare never gives a secret back. docs/deploy.md explains it all.
/* global AbortSignal, URL */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { QUIET_ENV, WRANGLER } from "../workers.mjs";
import { CONNECT_CAPABILITIES, scopesFor } from "../../shared/capabilities.ts";
import { cloudflare, credentials, CloudflareError, NotLoggedInError } from "./cloudflare.mjs";
import {
  DEPLOY_DIR,
  deployConfig,
  GENERATED_SECRETS,
  KICK_SECRETS,
  NEVER_DEPLOYED,
  origins,
  productionVars,
  readProject,
  UnsafeConfigError,
} from "./config.mjs";
import { askValid, confirm, interactive, MissingValueError } from "./prompt.mjs";

/** How a Worker without a public URL is shown. */
const PRIVATE = "no public URL: reached through service bindings";

const HELP = `npm run deploy [-- options]

Deploys kick-edge to your Cloudflare account (after \`npx wrangler login\`), or upgrades it in place.

  --dry-run                 print the whole plan and change nothing
  --check                   check a live deployment: Workers, crons, migrations, secrets, webhook URL, Kick app
  --destroy                 remove the Workers (asks first); data is kept unless --delete-data
  --account <id|name>       which Cloudflare account, when you have several (or CLOUDFLARE_ACCOUNT_ID)
  --kick-client-id <id>     your Kick app's client id (or KICK_CLIENT_ID; asked when needed)
  --kick-client-secret <s>  its client secret; prefer KICK_CLIENT_SECRET in the environment (a flag
                            lands in shell history). Asked, hidden, when needed
  --domain <host>           serve the Workers on <worker>.<host> (a zone in this account) instead of workers.dev
  --subdomain <name>        the workers.dev subdomain to register, if the account has none yet
  --allowed-kick-users <l>  comma-separated Kick user ids or names that may connect (default: any)
  --rotate-admin-secret     make a new connect-page passphrase (prints it once)
  --yes                     answer yes to --destroy's question
`;

const { values: args } = parseArgs({
  options: {
    "dry-run": { type: "boolean" },
    check: { type: "boolean" },
    destroy: { type: "boolean" },
    "delete-data": { type: "boolean" },
    yes: { type: "boolean" },
    account: { type: "string" },
    "kick-client-id": { type: "string" },
    "kick-client-secret": { type: "string" },
    domain: { type: "string" },
    subdomain: { type: "string" },
    "allowed-kick-users": { type: "string" },
    "rotate-admin-secret": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
  strict: true,
});

const ok = (text) => console.log(`  ✓ ${text}`);
const bad = (text, fix) => console.log(`  ✗ ${text}\n      fix: ${fix}`);
const statePath = (name) => `${DEPLOY_DIR}/${name}`;
const readJson = (path, fallback) => (existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : fallback);
function writePrivate(path, value) {
  mkdirSync(DEPLOY_DIR, { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Runs wrangler against the chosen account; its output is kept for a failure message only. */
function wrangler(accountId, argv) {
  const run = spawnSync(WRANGLER, argv, {
    env: { ...QUIET_ENV, CI: "true", CLOUDFLARE_ACCOUNT_ID: accountId },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { ok: run.status === 0, output: `${run.stdout ?? ""}\n${run.stderr ?? ""}` };
}
/** The last lines wrangler printed that say something, for a failure message. */
const tail = (output) =>
  output
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() && !/^[\s─━-]+$/.test(l))
    .slice(-8)
    .map((l) => `    ${l}`)
    .join("\n");

class DeployError extends Error {
  name = "DeployError";
}

/** The Cloudflare account: --account, CLOUDFLARE_ACCOUNT_ID, the only one, or the one picked. */
async function pickAccount(cf) {
  const wanted = args.account ?? process.env.CLOUDFLARE_ACCOUNT_ID;
  const accounts = await cf.accounts();
  if (wanted) {
    const found = accounts.find((a) => a.id === wanted || a.name === wanted);
    if (!found)
      throw new DeployError(
        `No account "${wanted}" for these credentials. Yours: ${accounts.map((a) => `${a.name} (${a.id})`).join(", ")}.`,
      );
    return found;
  }
  if (accounts.length === 1) return accounts[0];
  if (accounts.length === 0)
    throw new DeployError(
      "These credentials see no Cloudflare account. Log in with the account you want to deploy to: `npx wrangler login`.",
    );
  const list = accounts.map((a, i) => `  ${i + 1}. ${a.name} (${a.id})`).join("\n");
  if (!interactive())
    throw new MissingValueError(
      `You have several Cloudflare accounts; say which with --account <id or name>:\n${list}`,
    );
  console.log(`Which Cloudflare account?\n${list}`);
  const n = await askValid("Number: ", (a) =>
    Number(a) >= 1 && Number(a) <= accounts.length ? null : `A number from 1 to ${accounts.length}.`,
  );
  return accounts[Number(n) - 1];
}

/**
 * The Kick app's credentials given in this run (flags or the environment), or asked for when
 * a Worker lacks them. Both or neither: one alone would leave the Workers on a mismatched pair.
 */
async function kickCredentials(needed, dryRun) {
  const given = {
    KICK_CLIENT_ID: args["kick-client-id"] ?? process.env.KICK_CLIENT_ID,
    KICK_CLIENT_SECRET: args["kick-client-secret"] ?? process.env.KICK_CLIENT_SECRET,
  };
  for (const [name, value] of Object.entries(given))
    if (value !== undefined && !/^\S{4,512}$/.test(value))
      throw new MissingValueError(
        `${name} looks wrong (empty, too short or with spaces). Copy it again from https://kick.com/settings/developer.`,
      );
  if (given.KICK_CLIENT_ID && given.KICK_CLIENT_SECRET) return given;
  const one = given.KICK_CLIENT_ID || given.KICK_CLIENT_SECRET;
  if ((!needed && !one) || dryRun) return {};
  if (!interactive())
    throw new MissingValueError(
      one
        ? "Give both KICK_CLIENT_ID and KICK_CLIENT_SECRET (a new secret belongs with its client id); nothing was changed."
        : "Your Kick app's credentials are needed: set KICK_CLIENT_ID and KICK_CLIENT_SECRET in the environment, or run this in a terminal to be asked. docs/deploy.md says how to create the app.",
    );
  console.log("\nYour Kick app's credentials (https://kick.com/settings/developer, see docs/deploy.md):");
  const check = (v) => (/^\S{4,512}$/.test(v) ? null : "That does not look right: copy it again, without spaces.");
  const id = given.KICK_CLIENT_ID ?? (await askValid("  Client ID: ", check));
  const secret = given.KICK_CLIENT_SECRET ?? (await askValid("  Client Secret (hidden): ", check, { hidden: true }));
  return { KICK_CLIENT_ID: id, KICK_CLIENT_SECRET: secret };
}

/** What an account has now: resources, applied migrations, each Worker's secret names, the oauth Worker's vars. */
async function lookAround(cf, account, project) {
  const oauth = project.workers.find((w) => w.env === "oauth");
  const [namespaces, databases, subdomain, secretNames, oauthVars] = await Promise.all([
    cf.kvNamespaces(account.id),
    Promise.all(
      project.d1.map((name) =>
        cf.d1Databases(account.id, name).then((list) => list.find((d) => d.name === name) ?? null),
      ),
    ),
    cf.subdomain(account.id),
    Promise.all(project.workers.map((w) => cf.secretNames(account.id, w.script))),
    oauth ? cf.scriptVars(account.id, oauth.script) : null,
  ]);
  const kv = Object.fromEntries(
    project.kv.map((k) => [k.binding, namespaces.find((n) => n.title === k.title) ?? null]),
  );
  const d1 = Object.fromEntries(project.d1.map((name, i) => [name, databases[i]]));
  const applied = {};
  for (const [name, db] of Object.entries(d1)) {
    if (!db) applied[name] = [];
    else
      applied[name] = await cf.queryD1(account.id, db.uuid, "SELECT name FROM d1_migrations ORDER BY id").then(
        (r) => (r[0]?.results ?? []).map((row) => row.name),
        // A database that never had a migration has no d1_migrations table; anything else is a real failure.
        (error) => (/no such table/i.test(error.message) ? [] : Promise.reject(error)),
      );
  }
  return {
    kv,
    d1,
    applied,
    subdomain,
    oauthVars,
    secrets: Object.fromEntries(project.workers.map((w, i) => [w.env, secretNames[i]])),
  };
}

/**
 * The custom domain the deployment already uses, read from the live oauth Worker's redirect
 * URI (`https://oauth.<domain>/callback`), so a re-run from any machine keeps it.
 */
function deployedDomain(now) {
  const uri = now.oauthVars?.OAUTH_REDIRECT_URI;
  const host = uri ? URL.parse(uri)?.host : undefined;
  return host && !host.endsWith(".workers.dev") && host.startsWith("oauth.") ? host.slice("oauth.".length) : undefined;
}

const migrationFiles = (dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();

/**
 * Which secret each Worker gets in this run. A value this run must spread (one it generated,
 * Kick credentials given now, or either left by an unfinished run in .deploy/) goes to every
 * Worker that requires it, even those that have it already, so a half-finished change is
 * always finished. Anything else a Worker has is kept; anything it lacks is generated or asked for.
 */
function planSecrets(project, now, kick, pending) {
  const spread = { ...pending, ...kick };
  const problems = [];
  for (const name of GENERATED_SECRETS) {
    const needing = project.workers.filter((w) => w.secrets.includes(name));
    if (needing.length === 0 || name in spread) continue;
    const having = needing.filter((w) => now.secrets[w.env]?.includes(name));
    const rotate = name === "ADMIN_SECRET" && args["rotate-admin-secret"];
    if (having.length === needing.length && !rotate) continue;
    if (having.length === 0 || rotate)
      spread[name] = name === "ADMIN_SECRET" ? passphrase() : randomBytes(32).toString("base64");
    else
      problems.push(
        `${name} is set on ${having.map((w) => w.script).join(", ")} but not on ${needing
          .filter((w) => !having.includes(w))
          .map((w) => w.script)
          .join(", ")}, and the value made for it is not on this machine (Cloudflare never gives a secret back). ` +
          'Run this from the machine that started the deploy, or see "Lost the generated secrets" in docs/deploy.md.',
      );
  }
  const perWorker = {};
  for (const w of project.workers) {
    const has = new Set(now.secrets[w.env] ?? []);
    perWorker[w.env] = Object.fromEntries(
      w.secrets.filter((name) => name in spread || !has.has(name)).map((name) => [name, spread[name]]),
    );
  }
  return { spread, perWorker, problems };
}

/** Unfinished runs' values, per account: generated secrets and given Kick credentials. */
const PENDING = () => statePath("pending-secrets.json");
const readPending = (accountId) => readJson(PENDING(), {})[accountId] ?? {};
function writePending(accountId, values) {
  const all = readJson(PENDING(), {});
  if (Object.keys(values).length) all[accountId] = values;
  else delete all[accountId];
  if (Object.keys(all).length) writePrivate(PENDING(), all);
  else rmSync(PENDING(), { force: true });
}

/** A passphrase of 32 URL-safe characters (192 bits): typed rarely, pasted from a password manager. */
const passphrase = () => randomBytes(24).toString("base64url");

function kickSettings(urls) {
  return [
    "In Kick's developer settings (https://kick.com/settings/developer), on your app:",
    `  Redirect URL:   ${urls.oauth}/callback`,
    `  Webhooks:       on, with this URL: ${urls.webhooks}/kick`,
    `  Scopes:         ${scopesFor(CONNECT_CAPABILITIES).join(" ")}`,
    "  (Event subscriptions are made by kick-edge itself once a channel is connected.)",
    "",
    `Then open the connect page and connect your Kick account: ${urls.oauth}/`,
  ].join("\n");
}

function printPlan({ account, project, now, urls, secrets, domain, subdomainToRegister, dryRun }) {
  const known = now !== null;
  console.log(
    `\nkick-edge deploy plan${account ? ` for the Cloudflare account "${account.name}" (${account.id})` : " (not logged in: what a first deploy does)"}\n`,
  );
  console.log("Resources");
  for (const k of project.kv)
    console.log(
      `  ${known && now.kv[k.binding] ? `= reuse KV namespace ${k.title} (${now.kv[k.binding].id})` : `+ create KV namespace ${k.title}`} for ${k.binding}`,
    );
  for (const name of project.d1)
    console.log(
      `  ${known && now.d1[name] ? `= reuse D1 database ${name} (${now.d1[name].uuid})` : `+ create D1 database ${name}`}`,
    );
  if (subdomainToRegister) console.log(`  + register the workers.dev subdomain "${subdomainToRegister}"`);
  if (domain) console.log(`  = custom domains under ${domain} (the zone must be in this account)`);
  const files = migrationFiles(project.migrationsDir);
  for (const name of project.d1) {
    const todo = files.filter((f) => !(known ? now.applied[name] : []).includes(f));
    console.log(
      `D1 migrations on ${name}: ${todo.length ? `${todo.length} to apply (${todo.join(", ")})` : "up to date"}`,
    );
  }
  console.log("Workers, uploaded in this order");
  for (const w of project.workers) {
    const exists = known && now.secrets[w.env] !== null;
    console.log(
      `  ${exists ? "~ update" : "+ create"} ${w.script.padEnd(24)} ${urls[w.env] ?? PRIVATE}${w.crons.length ? `   crons: ${w.crons.join(", ")}` : ""}`,
    );
    const set = Object.keys(secrets?.perWorker[w.env] ?? {});
    const kept = w.secrets.filter((s) => !set.includes(s));
    const words = [];
    if (!w.secrets.length) words.push("none");
    else if (!known) words.push(`set ${w.secrets.join(", ")}`);
    else {
      if (set.length)
        words.push(`set ${set.map((s) => (GENERATED_SECRETS.has(s) ? `${s} (generated)` : s)).join(", ")}`);
      if (kept.length) words.push(`keep ${kept.join(", ")}`);
    }
    console.log(`      secrets: ${words.join("; ")}`);
  }
  const vars = productionVars(urls, {});
  console.log("Production settings (wired to the deployed URLs)");
  for (const name of ["OAUTH_REDIRECT_URI", "AUTOMATIONS_URL", "OAUTH_URL"]) console.log(`  ${name} = ${vars[name]}`);
  console.log(`  KICK_ID_BASE, KICK_API_BASE = "" (Kick itself); RELAY_HTTP_HOSTS = "" (relays over https only)`);
  console.log(`Never deployed: ${[...NEVER_DEPLOYED].join(", ")} (local development only)`);
  if (dryRun)
    console.log(`\nAfterwards:\n${kickSettings(urls).replace(/^(?=.)/gm, "  ")}\n\nDry run: nothing was changed.`);
  else console.log("");
}

async function deploy() {
  const dryRun = Boolean(args["dry-run"]);
  // A run stopped during an upload (Ctrl-C ends node before its cleanup) may have left one behind.
  if (existsSync(DEPLOY_DIR))
    for (const file of readdirSync(DEPLOY_DIR)) if (/^secrets-.*\.json$/.test(file)) rmSync(statePath(file));
  const project = readProject();
  let cf;
  try {
    cf = cloudflare(credentials());
  } catch (error) {
    if (!(error instanceof NotLoggedInError) || !dryRun) throw error;
    const domain = args.domain;
    printPlan({
      account: null,
      project,
      now: null,
      urls: origins(project, { subdomain: args.subdomain, domain }),
      secrets: null,
      domain,
      dryRun,
    });
    console.log("Log in with `npx wrangler login` for a plan of your own account.");
    return;
  }
  const account = await pickAccount(cf);
  const now = await lookAround(cf, account, project);
  const domain = args.domain ?? deployedDomain(now);
  const allowedKickUsers = args["allowed-kick-users"] ?? now.oauthVars?.ALLOWED_KICK_USERS;

  let subdomain = now.subdomain;
  let subdomainToRegister = null;
  if (!domain && !subdomain) {
    subdomainToRegister = args.subdomain;
    if (!subdomainToRegister && !dryRun) {
      if (!interactive())
        throw new MissingValueError(
          "This Cloudflare account has no workers.dev subdomain yet: choose one with --subdomain <name> (letters, digits and dashes), or use --domain.",
        );
      subdomainToRegister = await askValid(
        "This account has no workers.dev subdomain yet. Choose one (letters, digits, dashes): ",
        (v) => (/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(v) ? null : "Lowercase letters, digits and dashes only."),
      );
    }
    subdomain = subdomainToRegister ?? "<your-subdomain>";
  }
  const urls = origins(project, { subdomain, domain });
  // Checked before anything changes: a local value must never reach a deployed Worker.
  if (!dryRun) deployConfig(project, { kvIds: {}, d1Ids: {}, urls, domain, options: { allowedKickUsers } });

  const kickNeeded = project.workers.some((w) =>
    KICK_SECRETS.some((s) => w.secrets.includes(s) && !now.secrets[w.env]?.includes(s)),
  );
  const pending = readPending(account.id);
  const kick = await kickCredentials(kickNeeded && !pending.KICK_CLIENT_ID, dryRun);
  const secrets = planSecrets(project, now, kick, pending);
  if (secrets.problems.length) throw new DeployError(secrets.problems.join("\n"));

  printPlan({ account, project, now, urls, secrets, domain, subdomainToRegister, dryRun });
  if (dryRun) return;

  // Written before any change: a run that dies partway must give the rest the same values.
  writePending(account.id, secrets.spread);

  console.log("Deploying…");
  const kvIds = {};
  for (const k of project.kv)
    kvIds[k.binding] =
      now.kv[k.binding]?.id ??
      (
        await createOrFind(
          () => cf.createKvNamespace(account.id, k.title),
          async () => (await cf.kvNamespaces(account.id)).find((n) => n.title === k.title),
        )
      ).id;
  const d1Ids = {};
  for (const name of project.d1)
    d1Ids[name] =
      now.d1[name]?.uuid ??
      (
        await createOrFind(
          () => cf.createD1Database(account.id, name),
          async () => (await cf.d1Databases(account.id, name)).find((d) => d.name === name),
        )
      ).uuid;
  ok(`storage ready: ${project.kv.map((k) => k.title).join(", ")} (KV), ${project.d1.join(", ")} (D1)`);
  if (subdomainToRegister) {
    await cf.registerSubdomain(account.id, subdomainToRegister);
    ok(`workers.dev subdomain ${subdomainToRegister} registered`);
  }

  const config = deployConfig(project, { kvIds, d1Ids, urls, domain, options: { allowedKickUsers } });
  writePrivate(statePath("wrangler.json"), config);
  const configArgs = ["-c", statePath("wrangler.json")];
  const migrator = project.workers.find((w) => w.d1.length);
  for (const name of project.d1) {
    const run = wrangler(account.id, [
      "d1",
      "migrations",
      "apply",
      name,
      "--remote",
      "--env",
      migrator.env,
      ...configArgs,
    ]);
    if (!run.ok)
      throw new DeployError(
        `Applying the D1 migrations to ${name} failed; no Worker was changed. Wrangler said:\n${tail(run.output)}\nRun \`npm run deploy\` again to retry.`,
      );
  }
  ok("D1 migrations applied");

  for (const w of project.workers) {
    const secretFile = statePath(`secrets-${w.env}.json`);
    const toSet = secrets.perWorker[w.env];
    const argv = ["deploy", "--env", w.env, ...configArgs];
    if (Object.keys(toSet).length) {
      writePrivate(secretFile, toSet);
      argv.push("--secrets-file", secretFile);
    }
    let run;
    try {
      run = wrangler(account.id, argv);
    } finally {
      rmSync(secretFile, { force: true });
    }
    if (!run.ok)
      throw new DeployError(
        `Uploading ${w.script} failed. Wrangler said:\n${tail(run.output)}\nWhat was done is kept: run \`npm run deploy\` again to finish.`,
      );
    ok(
      `${w.script} live ${urls[w.env] ? `at ${urls[w.env]}` : `(${PRIVATE})`}${Object.keys(toSet).length ? ` (secrets set: ${Object.keys(toSet).join(", ")})` : ""}`,
    );
  }

  writePending(account.id, {});
  console.log(`\nkick-edge is deployed.\n`);
  if (secrets.spread.ADMIN_SECRET) {
    console.log(
      `Connect-page passphrase (shown once; keep it in your password manager):\n\n    ${secrets.spread.ADMIN_SECRET}\n`,
    );
    console.log("To change it later: npm run deploy -- --rotate-admin-secret\n");
  }
  console.log(kickSettings(urls));
  console.log("\nCheck it any time with: npm run deploy -- --check");
}

/** Creates a resource; if a concurrent or half-finished run made it already, finds it instead. */
async function createOrFind(create, find) {
  try {
    return await create();
  } catch (error) {
    const existing = error instanceof CloudflareError ? await find() : null;
    if (existing) return existing;
    throw error;
  }
}

/** Origins as deployed, or (tests only) a local stand-in for each, from KICK_EDGE_CHECK_ORIGINS. */
function probeUrl(url) {
  const map = JSON.parse(process.env.KICK_EDGE_CHECK_ORIGINS || "{}");
  const origin = new URL(url).origin;
  return map[origin] ? url.replace(origin, map[origin]) : url;
}

async function probe(method, url) {
  try {
    const response = await fetch(probeUrl(url), {
      method,
      signal: AbortSignal.timeout(10_000),
      headers: { "Content-Type": "application/json" },
      body: method === "POST" ? "{}" : undefined,
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  } catch (error) {
    return { status: 0, error: error.cause?.code ?? error.name };
  }
}

async function check() {
  const project = readProject();
  const cf = cloudflare(credentials());
  const account = await pickAccount(cf);
  const now = await lookAround(cf, account, project);
  const domain = args.domain ?? deployedDomain(now);
  const redeploy = "run `npm run deploy` (it keeps what is there and adds what is missing)";
  let failures = 0;
  const fail = (text, fix) => {
    failures++;
    bad(text, fix);
  };
  console.log(`\nChecking kick-edge in "${account.name}" (${account.id})\n`);
  if (!domain && !now.subdomain) {
    fail("this account has no workers.dev subdomain, so the Workers have no address", redeploy);
    console.log(`\n${failures} problem found.`);
    return 1;
  }
  const urls = origins(project, { subdomain: now.subdomain, domain });

  for (const w of project.workers) {
    const names = now.secrets[w.env];
    if (names === null) {
      fail(`${w.script} is not deployed`, redeploy);
      continue;
    }
    const missing = w.secrets.filter((s) => !names.includes(s));
    if (missing.length) fail(`${w.script} lacks the secrets ${missing.join(", ")}`, redeploy);
    else ok(`${w.script}: secrets present (${w.secrets.join(", ")})`);
    const crons = (await cf.schedules(account.id, w.script)) ?? [];
    const absent = w.crons.filter((c) => !crons.includes(c));
    if (absent.length) fail(`${w.script}: crons not registered: ${absent.join(", ")}`, redeploy);
    else if (w.crons.length) ok(`${w.script}: crons registered (${w.crons.join(", ")})`);
    if (w.private) {
      ok(`${w.script} is deployed (${PRIVATE})`);
      continue;
    }
    const health = await probe("GET", `${urls[w.env]}/healthz`);
    if (health.status === 200) ok(`${w.script} answers at ${urls[w.env]}`);
    else
      fail(
        `${w.script} does not answer at ${urls[w.env]} (${health.status || health.error})`,
        domain
          ? `check that ${new URL(urls[w.env]).host} is a custom domain of ${w.script} in the dashboard, or ${redeploy}`
          : `a new workers.dev subdomain can take a few minutes to work; wait and check again, or ${redeploy}`,
      );
  }
  const files = migrationFiles(project.migrationsDir);
  for (const name of project.d1) {
    if (!now.d1[name]) fail(`D1 database ${name} does not exist`, redeploy);
    else {
      const todo = files.filter((f) => !now.applied[name].includes(f));
      if (todo.length) fail(`D1 ${name}: ${todo.length} migrations not applied (${todo.join(", ")})`, redeploy);
      else ok(`D1 ${name}: migrations current (${files.length})`);
    }
  }
  if (urls.webhooks) {
    const hook = await probe("POST", `${urls.webhooks}/kick`);
    // An unsigned delivery must be refused by our own intake (a JSON error), not by anything in front of it.
    if (hook.status >= 400 && hook.status < 500 && hook.body?.ok === false)
      ok(`webhook URL answers: ${urls.webhooks}/kick`);
    else fail(`webhook URL ${urls.webhooks}/kick did not answer as kick-edge (${hook.status || hook.error})`, redeploy);
  }
  if (urls.oauth) {
    // fresh: a real client-credentials call, not the cached app token (a new secret may be wrong).
    const kick = await probe("GET", `${urls.oauth}/healthz/kick?fresh=1`);
    if (kick.status === 200) ok("Kick accepts the app's credentials (client credentials)");
    else if (kick.body?.error?.code === "kick_credentials_refused")
      fail(
        "Kick refused the app's client id or secret",
        "copy both again from https://kick.com/settings/developer and run `npm run deploy -- --kick-client-id <id> --kick-client-secret <secret>`",
      );
    else
      fail(
        `could not ask Kick about the app's credentials (${kick.body?.error?.message ?? (kick.status || kick.error)})`,
        "check again in a minute; if it persists, see the oauth Worker's logs",
      );
  }
  console.log(failures ? `\n${failures} problem${failures > 1 ? "s" : ""} found.` : "\nEverything checks out.");
  return failures ? 1 : 0;
}

async function destroy() {
  const project = readProject();
  const cf = cloudflare(credentials());
  const account = await pickAccount(cf);
  const deleteData = Boolean(args["delete-data"]);
  const scripts = project.workers.map((w) => w.script);
  console.log(`\nThis removes the Workers ${scripts.join(", ")} from "${account.name}" (${account.id}).`);
  console.log(
    deleteData
      ? `It also DELETES the data: D1 ${project.d1.join(", ")} and KV ${project.kv.map((k) => k.title).join(", ")} (tokens, keys, history). This cannot be undone.`
      : "The data in D1 and KV is kept (accounts, automation keys, rules, KICKs history). The tokens in it are sealed under TOKEN_ENCRYPTION_KEY, which goes with the Workers and cannot be read back: after deploying again, connect the Kick accounts again (and note the new passphrase).",
  );
  if (!args.yes) {
    if (!interactive()) throw new MissingValueError("Add --yes to confirm (there is no terminal to ask in).");
    if (!(await confirm("Go ahead?"))) {
      console.log("Nothing was removed.");
      return 0;
    }
  }
  for (const script of scripts) {
    await cf.deleteScript(account.id, script);
    ok(`removed ${script}`);
  }
  if (deleteData) {
    const namespaces = await cf.kvNamespaces(account.id);
    for (const k of project.kv) {
      const found = namespaces.find((n) => n.title === k.title);
      if (found) await cf.deleteKvNamespace(account.id, found.id);
      ok(`deleted KV ${k.title}`);
    }
    for (const name of project.d1) {
      const found = (await cf.d1Databases(account.id, name)).find((d) => d.name === name);
      if (found) await cf.deleteD1Database(account.id, found.uuid);
      ok(`deleted D1 ${name}`);
    }
  }
  console.log("\nDone. Remove the redirect and webhook URLs from your Kick app's settings too.");
  return 0;
}

if (args.help) console.log(HELP);
else {
  try {
    const code = args.check ? await check() : args.destroy ? await destroy() : await deploy();
    process.exitCode = code ?? 0;
  } catch (error) {
    // Expected failures are sentences for the person at the terminal; anything else is a bug, with its stack.
    if (
      [DeployError, MissingValueError, NotLoggedInError, CloudflareError, UnsafeConfigError].some(
        (k) => error instanceof k,
      )
    ) {
      console.error(`\n${error.message}`);
      process.exitCode = 1;
    } else throw error;
  }
}
