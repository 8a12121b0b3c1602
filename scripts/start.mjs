#!/usr/bin/env node
// npm start: every Worker of wrangler.toml under `wrangler dev` at once, sharing one local
// KV/D1 state in .state/, with the Kick emulator standing in for Kick when no Kick
// credentials are configured, and each Worker's crons run on their schedules. The terminal
// gets one summary (and errors); all that wrangler says goes to .state/start.log.
// `--check` starts everything, proves it answers and that each cron runs, and stops.
/* global URLSearchParams, AbortSignal */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { CronError, nextMinute, parseCron } from "./cron.mjs";
import { failureReport, isError, plain, summary } from "./startOutput.mjs";
import { devCommand, devVars, QUIET_ENV, WRANGLER, workers } from "./workers.mjs";

const STATE = ".state";
const LOG = `${STATE}/start.log`;
const startedAt = Date.now();
const check = process.argv.includes("--check");
const all = workers();
const local = devVars();
const kickConfigured = Boolean(process.env.KICK_CLIENT_ID || local.KICK_CLIENT_ID);
const emulator = all.find((w) => w.name === "kick-emulator");
const running = kickConfigured ? all.filter((w) => w !== emulator) : all;

if (running.length === 0) {
  console.error("No Worker in wrangler.toml has an existing main file.");
  process.exit(1);
}
mkdirSync(STATE, { recursive: true });

// One log per run, readable by its owner only: it holds request paths and the Workers' own logs.
const logFile = openSync(LOG, "w", 0o600);
const width = Math.max(...running.map((w) => w.name.length), "migrations".length);
const log = (source, line) =>
  writeSync(logFile, `${new Date().toISOString().slice(11, 23)} ${source.padEnd(width)} │ ${plain(line)}\n`);
const logLines = (source, text) => text.split("\n").forEach((line) => line.trim() && log(source, line));

/** The oauth Worker refuses a shorter ADMIN_SECRET (functions/oauth/adminSession.ts). */
const MIN_PASSPHRASE_LENGTH = 20;
const devPassphrase = () => `dev-${randomBytes(12).toString("hex")}`;

/**
 * Development secrets, made once and kept in .state/ so restarts can still read stored tokens.
 * A passphrase from before the 20-character minimum is replaced; the encryption key is kept.
 */
function devSecrets() {
  const file = `${STATE}/dev-secrets.json`;
  const stored = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const secrets = {
    TOKEN_ENCRYPTION_KEY: stored.TOKEN_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
    ADMIN_SECRET: (stored.ADMIN_SECRET?.length ?? 0) >= MIN_PASSPHRASE_LENGTH ? stored.ADMIN_SECRET : devPassphrase(),
  };
  if (existsSync(file) && secrets.ADMIN_SECRET !== stored.ADMIN_SECRET)
    log("npm start", `The dev admin passphrase was missing or too short, so ${file} has a new one.`);
  const all = { ...stored, ...secrets };
  if (secrets.ADMIN_SECRET !== stored.ADMIN_SECRET || secrets.TOKEN_ENCRYPTION_KEY !== stored.TOKEN_ENCRYPTION_KEY)
    writeFileSync(file, JSON.stringify(all, null, 2), { mode: 0o600 });
  return all;
}

const url = (w) => `http://127.0.0.1:${w.port}`;
/** Values npm start supplies: generated secrets, the emulator's app and URLs, the Workers' own URLs. */
const provided = {};
for (const [key, value] of Object.entries(devSecrets())) if (!local[key] && !process.env[key]) provided[key] = value;
if (!kickConfigured && emulator) {
  Object.assign(provided, {
    KICK_ID_BASE: url(emulator),
    KICK_API_BASE: url(emulator),
    KICK_CLIENT_ID: "emulator-client",
    KICK_CLIENT_SECRET: "emulator-secret",
  });
}
const automations = all.find((w) => w.name === "automations");
if (automations) provided.AUTOMATIONS_URL = url(automations);
const oauth = all.find((w) => w.name === "oauth");
if (oauth) provided.OAUTH_URL = url(oauth);

/** The local D1 database file, once one was made (migrations make it). */
function localDatabaseExists() {
  const dir = `${STATE}/v3/d1/miniflare-D1DatabaseObject`;
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
}

/**
 * wrangler is one 15 MB script that each of npm start's wrangler processes compiles before it
 * does anything; Node keeps what it compiled here, so the migrations step compiles it for the
 * Workers' seven, which start at once on CPUs they share.
 */
const COMPILE_CACHE = { NODE_COMPILE_CACHE: resolve(STATE, "node-compile-cache") };

const wrangler = (args) =>
  spawnSync(WRANGLER, args, { env: { ...QUIET_ENV, ...COMPILE_CACHE, CI: "true" }, encoding: "utf8" });

/**
 * Applies migrations/ to the local D1 database. wrangler's `d1 migrations apply` starts a
 * local runtime per migration (about a second each); on a fresh .state/ this runs them all in
 * one `d1 execute` instead, each followed by the row wrangler itself records for it, so later
 * runs of `d1 migrations apply` see them as applied. When every migration is recorded as
 * applied in .state/, nothing runs at all.
 */
function migrate(w) {
  const dir = w.migrationsDir;
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  const stampFile = `${STATE}/migrations-applied.json`;
  const stamped = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, "utf8")) : [];
  if (localDatabaseExists() && names.every((n) => stamped.includes(n))) {
    log("migrations", `all ${names.length} applied already`);
    return true;
  }
  const base = ["kick-edge", "--local", "--env", w.name, "--persist-to", STATE];
  if (!localDatabaseExists()) {
    const sql = [
      // wrangler's own table for applied migrations, exactly as `d1 migrations apply` makes it.
      `CREATE TABLE IF NOT EXISTS "d1_migrations"(\n\t\tid         INTEGER PRIMARY KEY AUTOINCREMENT,\n\t\tname       TEXT UNIQUE,\n\t\tapplied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL\n);`,
      ...names.map(
        (n) =>
          `${readFileSync(`${dir}/${n}`, "utf8")}\nINSERT INTO "d1_migrations" (name) values ('${n.replace(/'/g, "''")}');`,
      ),
    ].join("\n");
    const file = `${STATE}/migrations-fresh.sql`;
    writeFileSync(file, sql);
    const once = wrangler(["d1", "execute", ...base, "--file", file]);
    logLines("migrations", `${once.stdout ?? ""}\n${once.stderr ?? ""}`.split("\n").slice(0, 12).join("\n"));
    rmSync(file);
    if (once.status === 0) {
      writeFileSync(stampFile, JSON.stringify(names));
      return true;
    }
    log("migrations", "applying them at once failed; applying them one by one");
  }
  const applied = wrangler(["d1", "migrations", "apply", ...base]);
  logLines("migrations", `${applied.stdout ?? ""}\n${applied.stderr ?? ""}`);
  if (applied.status !== 0) {
    console.error(`Applying D1 migrations failed:\n${plain(`${applied.stdout}\n${applied.stderr}`).trim()}`);
    return false;
  }
  writeFileSync(stampFile, JSON.stringify(names));
  return true;
}

const d1User = running.find((w) => w.usesD1);
if (d1User && !migrate(d1User)) process.exit(1);

const children = new Map();
const ready = new Set();
let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 1500).unref();
  Promise.all(
    [...children.values()].map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)),
  ).then(() => process.exit(code));
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

/** Why a Worker could not go on, in the terminal: its own words, and where the rest is. */
function reportFailure(w, headline, lines) {
  console.error(`\n${headline}\n`);
  for (const line of failureReport(lines)) console.error(`  ${line}`);
  console.error(`\nThe whole output is in ${LOG}.`);
}

/** Runs one Worker; a start that lost a race for a local database file starts again. */
function start(w, attempt = 1) {
  const { args, env } = devCommand(w, provided, STATE);
  const child = spawn(WRANGLER, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...env, ...COMPILE_CACHE } });
  children.set(w.name, child);
  const lines = [];
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream.on("data", (chunk) => {
      buffered += chunk.toString();
      const parts = buffered.split("\n");
      buffered = parts.pop();
      for (const line of parts) {
        if (!line.trim()) continue;
        log(w.name, line);
        lines.push(line);
        if (lines.length > 300) lines.shift();
        // Once up, a Worker's errors (a build broken by an edit, an uncaught exception) show as they come.
        if (ready.has(w.name) && isError(line)) console.error(`${w.name}: ${plain(line).trim()}  (more in ${LOG})`);
      }
    });
  }
  child.on("exit", (code) => {
    if (stopping) return;
    // Workers starting together on a fresh .state/ can each try to create the same local SQLite
    // file (KV's, the cache's); the one that finds it locked fails at once and only needs a retry.
    if (!ready.has(w.name) && attempt < 3 && /SQLITE_BUSY|database is locked/.test(lines.join("\n"))) {
      log(w.name, `start ${attempt} found a local database file locked by another Worker's start; starting again`);
      setTimeout(() => start(w, attempt + 1), 300 * attempt);
      return;
    }
    reportFailure(w, `${w.name} stopped (exit ${code}), so the rest are stopping too. It said:`, lines);
    stopAll(code || 1);
  });
  child.lines = lines;
}

async function answers(w) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && !stopping) {
    try {
      await fetch(url(w));
      ready.add(w.name);
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return false;
}

/** Each Worker's crons from wrangler.toml, parsed; one this cannot run is named in the summary. */
const crons = [];
const skippedCrons = [];
for (const w of running)
  for (const expression of w.crons) {
    try {
      crons.push({ w, cron: parseCron(expression) });
    } catch (error) {
      if (!(error instanceof CronError)) throw error;
      skippedCrons.push(`${w.name} cron ${error.message}`);
    }
  }

/**
 * Runs a Worker's scheduled handler as Cloudflare would at `at` (ms), through wrangler dev's
 * own trigger (`/cdn-cgi/local/scheduled`, on in every wrangler dev), with that cron and time.
 */
async function runCron({ w, cron }, at) {
  const query = new URLSearchParams({ cron: cron.expression, time: String(at), format: "json" });
  const began = Date.now();
  let outcome;
  try {
    const response = await fetch(`${url(w)}/cdn-cgi/local/scheduled?${query}`, {
      signal: AbortSignal.timeout(600_000),
    });
    const body = await response.json().catch(() => null);
    outcome = body?.outcome ?? `HTTP ${response.status}`;
  } catch (error) {
    outcome = error instanceof Error ? error.message : String(error);
  }
  log("cron", `${w.name} "${cron.expression}" at ${new Date(at).toISOString()}: ${outcome} (${Date.now() - began} ms)`);
  return outcome;
}

/**
 * The crons due at `at`, one after another. Each Worker is its own workerd with its own handle
 * on the one local D1 file, and SQLite answers a second process that arrives mid-write or
 * mid-recovery with SQLITE_BUSY rather than waiting: crons fired together failed `--check` in
 * two runs of five here. (On Cloudflare each database serializes its own queries.)
 */
async function runCrons(due, at, then) {
  for (const c of due) then(c, await runCron(c, at));
}

/** Fires due crons at each UTC minute; a failing one is said once in the terminal, and when it recovers. */
function startTicker() {
  const failing = new Set();
  const tick = () => {
    const at = nextMinute(Date.now());
    setTimeout(async () => {
      tick();
      const due = crons.filter((c) => c.cron.matches(new Date(at)));
      await runCrons(due, at, (c, outcome) => {
        const key = `${c.w.name} cron "${c.cron.expression}"`;
        if (stopping) return;
        if (outcome !== "ok" && !failing.has(key)) {
          failing.add(key);
          console.error(`${key} failed: ${outcome}  (more in ${LOG})`);
        } else if (outcome === "ok" && failing.delete(key)) console.log(`${key} runs again.`);
      });
    }, at - Date.now());
  };
  tick();
}

if (crons.length)
  log(
    "cron",
    "npm start runs the crons below itself; wrangler's note that it does not trigger them is about wrangler alone",
  );
for (const w of running) start(w);
const answered = await Promise.all(running.map(answers));
if (stopping) {
  // A Worker stopped while starting; its report is out and the rest are stopping.
} else if (answered.includes(false)) {
  for (const w of running.filter((_, i) => !answered[i]))
    reportFailure(w, `${w.name} did not answer on ${url(w)} within 90 s. It said:`, children.get(w.name)?.lines ?? []);
  stopAll(1);
} else {
  const chosen = process.env.ADMIN_SECRET || local.ADMIN_SECRET;
  const details = {
    workers: running.map((w) => ({ name: w.name, url: url(w) })),
    kickConfigured,
    crons: crons.map((c) => ({ worker: c.w.name, expression: c.cron.expression })),
    skippedCrons,
    state: STATE,
    log: LOG,
    seconds: (Date.now() - startedAt) / 1000,
  };
  const passphrase = !running.includes(oauth)
    ? null
    : provided.ADMIN_SECRET
      ? { generated: provided.ADMIN_SECRET }
      : chosen
        ? {
            chosenIn: local.ADMIN_SECRET ? ".dev.vars" : "the environment",
            tooShort: chosen.length < MIN_PASSPHRASE_LENGTH,
          }
        : null;
  // The passphrase goes to the terminal only, never to the log file.
  logLines("npm start", summary({ ...details, passphrase: null }));
  console.log(summary({ ...details, passphrase }));
  if (check) {
    const at = nextMinute(Date.now()) - 60_000;
    const failed = [];
    await runCrons(crons, at, (c, outcome) => void (outcome === "ok" || failed.push(c)));
    for (const c of failed) console.error(`Check: ${c.w.name} cron "${c.cron.expression}" failed (${LOG} says why).`);
    if (!failed.length) console.log(`Check: every Worker answered and each of the ${crons.length} crons ran.`);
    stopAll(failed.length ? 1 : 0);
  } else startTicker();
}
