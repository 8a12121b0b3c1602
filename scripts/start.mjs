#!/usr/bin/env node
// npm start: every Worker of wrangler.toml under `wrangler dev` at once, sharing one local
// KV/D1 state in .state/, with the Kick emulator standing in for Kick when no Kick
// credentials are configured. `--check` starts everything, proves it answers, and stops.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { devVars, QUIET_ENV, WRANGLER, workers } from "./workers.mjs";

const STATE = ".state";
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
    console.log(`  The dev admin passphrase was missing or too short, so ${file} has a new one.`);
  const all = { ...stored, ...secrets };
  if (secrets.ADMIN_SECRET !== stored.ADMIN_SECRET || secrets.TOKEN_ENCRYPTION_KEY !== stored.TOKEN_ENCRYPTION_KEY)
    writeFileSync(file, JSON.stringify(all, null, 2), { mode: 0o600 });
  return all;
}

const url = (w) => `http://127.0.0.1:${w.port}`;
const generated = devSecrets();
const vars = {};
for (const [key, value] of Object.entries(generated)) if (!local[key] && !process.env[key]) vars[key] = value;
if (!kickConfigured && emulator) {
  Object.assign(vars, {
    KICK_ID_BASE: url(emulator),
    KICK_API_BASE: url(emulator),
    KICK_CLIENT_ID: "emulator-client",
    KICK_CLIENT_SECRET: "emulator-secret",
  });
}
const automations = all.find((w) => w.name === "automations");
if (automations) vars.AUTOMATIONS_URL = url(automations);
const oauth = all.find((w) => w.name === "oauth");
if (oauth) vars.OAUTH_URL = url(oauth);

const d1User = running.find((w) => w.usesD1);
if (d1User) {
  const applied = spawnSync(
    WRANGLER,
    ["d1", "migrations", "apply", "kick-edge", "--local", "--env", d1User.name, "--persist-to", STATE],
    { env: { ...QUIET_ENV, CI: "true" }, encoding: "utf8" },
  );
  if (applied.status !== 0) {
    console.error(`Applying D1 migrations failed:\n${applied.stdout}\n${applied.stderr}`);
    process.exit(1);
  }
}

const children = [];
let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 1500).unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null))).then(() =>
    process.exit(code),
  );
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

const width = Math.max(...running.map((w) => w.name.length));
for (const w of running) {
  const args = [
    "dev",
    "--env",
    w.name,
    "--port",
    String(w.port),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    STATE,
    "--inspector-port",
    "0",
    "--show-interactive-dev-session=false",
  ];
  if (w !== emulator) for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  // Service bindings (automations -> rules, -> refresh) resolve in this suite's own registry,
  // not in one shared with other wrangler dev sessions on the machine (the e2e tests' own).
  const env = { ...QUIET_ENV, WRANGLER_REGISTRY_PATH: `${STATE}/registry` };
  const child = spawn(WRANGLER, args, { stdio: ["ignore", "pipe", "pipe"], env });
  children.push(child);
  const prefix = `${w.name.padEnd(width)} │ `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream.on("data", (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop();
      for (const line of lines) if (line.trim()) process.stdout.write(prefix + line + "\n");
    });
  }
  child.on("exit", (code) => {
    if (!stopping) {
      console.error(`${w.name} stopped (exit ${code}); stopping the rest.`);
      stopAll(code || 1);
    }
  });
}

async function answers(w) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && !stopping) {
    try {
      await fetch(url(w));
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  return false;
}

const ready = await Promise.all(running.map(answers));
if (ready.includes(false)) {
  console.error(
    `Did not answer in time: ${running
      .filter((_, i) => !ready[i])
      .map((w) => w.name)
      .join(", ")}`,
  );
  stopAll(1);
} else {
  const notes = {
    "kick-emulator": "stand-in for id.kick.com + api.kick.com; control API at /_emulator",
    oauth: "connect page: sign in, connect Kick accounts, get automation keys",
    automations: "trigger API for Zapier / IFTTT / Stream Deck (/v1/...)",
    webhooks: "Kick event intake",
    refresh: "token refresh (cron: /cdn-cgi/handler/scheduled)",
    rules: "announce rule, timers, event replies, relays (reached through the automations URL)",
    "control-room": "set-up and activity pages (reached through the connect page)",
  };
  console.log("\nkick-edge is running:\n");
  for (const w of running) console.log(`  ${w.name.padEnd(width)}  ${url(w).padEnd(24)}  ${notes[w.name] ?? ""}`);
  console.log(
    `\n  Kick: ${kickConfigured ? "the real Kick (KICK_CLIENT_ID is set)" : "the local emulator (no KICK_CLIENT_ID configured)"}`,
  );
  // The passphrase stays out of the terminal (and any log it lands in): it is in a file only you read.
  if (vars.ADMIN_SECRET && running.some((w) => w.name === "oauth"))
    console.log(`  Admin passphrase for the connect page: in ${STATE}/dev-secrets.json (ADMIN_SECRET)`);
  const chosen = process.env.ADMIN_SECRET || local.ADMIN_SECRET;
  if (chosen && chosen.length < MIN_PASSPHRASE_LENGTH && running.some((w) => w.name === "oauth"))
    console.log(
      `  ADMIN_SECRET (set in .dev.vars or the environment) is shorter than ${MIN_PASSPHRASE_LENGTH} characters: the connect page refuses sign-in until it is longer.`,
    );
  console.log(`  Local state (KV, D1): ${STATE}/\n`);
  if (check) stopAll(0);
}
