import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { deployConfig, origins, readProject } from "../../scripts/deploy/config.mjs";
import { QUIET_ENV } from "../../scripts/workers.mjs";
import { startCloudflareApi, type CloudflareApi, type CloudflareApiOptions } from "./cloudflareApi";

// `npm run deploy` with the real wrangler against a local stand-in for Cloudflare's API.
// Each wrangler upload bundles a Worker, so the scenarios share deployments where they can.

/** The public Workers, each with the shared KV and the secrets. */
const SCRIPTS = ["kick-edge-refresh", "kick-edge-webhooks", "kick-edge-automations", "kick-edge-oauth"];
/** The private one: no URL, no KV, no secret; reached through the automations Worker's binding. */
const RULES = "kick-edge-rules";
/** Private too: the set-up pages, reached only through the oauth Worker's binding. */
const CONTROL_ROOM = "kick-edge-control-room";
const KICK = { KICK_CLIENT_ID: "01JKICKAPPCLIENTID0000000", KICK_CLIENT_SECRET: "kick-app-secret-value-1234567890" };
const MUTATIONS = /^(POST|PUT|PATCH|DELETE)$/;

interface Run {
  code: number;
  out: string;
}

/** Environment for the command: the stand-in's address and token, nothing of this machine's. */
function envFor(api: CloudflareApi, dir: string, extra: Record<string, string> = {}) {
  const env: Record<string, string | undefined> = {
    ...QUIET_ENV,
    CLOUDFLARE_API_BASE_URL: api.url,
    CLOUDFLARE_API_TOKEN: api.token,
    KICK_EDGE_DEPLOY_DIR: dir,
    ...extra,
  };
  for (const name of ["KICK_CLIENT_ID", "KICK_CLIENT_SECRET", "CLOUDFLARE_ACCOUNT_ID", "CI"])
    if (!(name in extra)) delete env[name];
  return env;
}

function collect(child: ReturnType<typeof spawn>, onOutput?: (all: string) => void): Promise<Run> {
  let out = "";
  const take = (d: Buffer) => {
    out += d.toString();
    onOutput?.(out);
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, out })));
}

/** Runs `npm run deploy -- <args>` without a terminal, as CI would. */
const deploy = (api: CloudflareApi, dir: string, args: string[], extra: Record<string, string> = {}) =>
  collect(
    spawn("node", ["scripts/deploy/main.mjs", ...args], {
      env: envFor(api, dir, extra),
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );

/**
 * Runs it in a pseudo-terminal (util-linux `script`), typing each answer once its question
 * has appeared, as a person at the keyboard would.
 */
function deployInTerminal(
  api: CloudflareApi,
  dir: string,
  args: string[],
  answers: [question: RegExp, answer: string][],
) {
  const command = ["node", "scripts/deploy/main.mjs", ...args].map((a) => `'${a}'`).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    env: envFor(api, dir, { TERM: "dumb" }),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let from = 0;
  let next = 0;
  return collect(child, (all) => {
    const answer = answers[next];
    if (answer && answer[0].test(all.slice(from))) {
      from = all.length;
      next++;
      child.stdin?.write(`${answer[1]}\r`);
    }
  });
}

const script = (api: CloudflareApi, name: string) => {
  const found = api.state.scripts.get(name);
  if (!found) throw new Error(`${name} was not uploaded`);
  return found;
};
/** A fresh stand-in and state folder for one describe block (read them inside tests and hooks). */
function standIn(options?: CloudflareApiOptions) {
  const at = {} as { api: CloudflareApi; dir: string };
  beforeAll(async () => {
    at.api = await startCloudflareApi(options);
    at.dir = mkdtempSync(join(tmpdir(), "kick-edge-deploy-"));
  });
  afterAll(async () => {
    await at.api?.close();
    rmSync(at.dir, { recursive: true, force: true });
  });
  return at;
}

const mutations = (api: CloudflareApi, since = 0) =>
  api.requests.slice(since).filter((r) => MUTATIONS.test(r.method) && !/\/d1\/database\/[^/]+\/query$/.test(r.path));

describe("a first deploy through the prompts, a re-run, --check and --destroy", () => {
  const at = standIn({
    accounts: [
      { id: "aaaa0000aaaa0000aaaa0000aaaa0000", name: "Someone else's team" },
      { id: "bbbb1111bbbb1111bbbb1111bbbb1111", name: "Streamer" },
    ],
    subdomain: null,
  });
  let first: Run;

  beforeAll(async () => {
    first = await deployInTerminal(
      at.api,
      at.dir,
      [],
      [
        [/Number: /, "2"],
        [/Choose one/, "streamer"],
        [/Client ID: /, KICK.KICK_CLIENT_ID],
        [/Client Secret \(hidden\): /, KICK.KICK_CLIENT_SECRET],
      ],
    );
  }, 240_000);

  it("asks for the account, the subdomain and the Kick app, and never echoes the secret", () => {
    expect(first.out).toContain("Which Cloudflare account?");
    expect(first.code, first.out).toBe(0);
    expect(first.out).not.toContain(KICK.KICK_CLIENT_SECRET);
    expect(at.api.unhandled()).toEqual([]);
  });

  it("creates each resource once and uploads every Worker but the emulator, with its bindings and crons", () => {
    expect([...at.api.state.kvNamespaces.values()].map((n) => n.title)).toEqual(["kick-edge-tokens"]);
    expect([...at.api.state.d1Databases.values()].map((d) => d.name)).toEqual(["kick-edge"]);
    expect(at.api.state.subdomain).toBe("streamer");
    expect([...at.api.state.scripts.keys()].sort()).toEqual([...SCRIPTS, RULES, CONTROL_ROOM].sort());
    const kvId = [...at.api.state.kvNamespaces.values()][0]!.id;
    const d1Id = [...at.api.state.d1Databases.values()][0]!.uuid;
    for (const name of SCRIPTS) {
      const s = script(at.api, name);
      expect(s.bindings).toContainEqual(
        expect.objectContaining({ name: "TOKENS", type: "kv_namespace", namespace_id: kvId }),
      );
      expect(s.bindings).toContainEqual(expect.objectContaining({ name: "DB", type: "d1", id: d1Id }));
      expect(s.workersDev).toBe(true);
    }
    expect(
      script(at.api, "kick-edge-refresh")
        .schedules.map((c) => c.cron)
        .sort(),
    ).toEqual(["*/5 * * * *", "17 * * * *"]);
    expect(script(at.api, "kick-edge-webhooks").schedules.map((c) => c.cron)).toEqual(["* * * * *"]);
    expect(script(at.api, "kick-edge-automations").schedules.map((c) => c.cron)).toEqual(["* * * * *"]);
    expect(script(at.api, "kick-edge-automations").bindings).toContainEqual(
      expect.objectContaining({ name: "ASSETS", type: "assets" }),
    );
    // The refresh Worker runs inline: no queue to create.
    expect(script(at.api, "kick-edge-refresh").bindings.some((b) => b.type === "queue")).toBe(false);
    const rules = script(at.api, RULES);
    expect(rules.workersDev).toBe(false);
    expect(rules.secrets).toEqual({});
    expect(rules.bindings).toContainEqual(expect.objectContaining({ name: "DB", type: "d1", id: d1Id }));
    expect(rules.bindings.some((b) => b.type === "kv_namespace")).toBe(false);
    expect(rules.bindings).toContainEqual(
      expect.objectContaining({ name: "RELAY_SECRETS", type: "service", service: "kick-edge-webhooks" }),
    );
    expect(script(at.api, "kick-edge-automations").bindings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "RULES", type: "service", service: RULES }),
        expect.objectContaining({ name: "REFRESHER", type: "service", service: "kick-edge-refresh" }),
      ]),
    );
    // Each Worker goes up after those it binds to.
    const uploads = at.api.requests
      .filter((r) => r.method === "PUT" && /\/workers\/scripts\/[^/]+$/.test(r.path))
      .map((r) => r.path.split("/").pop());
    expect(uploads.indexOf(RULES)).toBeGreaterThan(uploads.indexOf("kick-edge-webhooks"));
    expect(uploads.indexOf(RULES)).toBeLessThan(uploads.indexOf("kick-edge-automations"));
    const room = script(at.api, CONTROL_ROOM);
    expect(room.workersDev).toBe(false);
    expect(room.secrets).toEqual({});
    expect(room.bindings.some((b) => b.type === "kv_namespace")).toBe(false);
    expect(script(at.api, "kick-edge-oauth").bindings).toContainEqual(
      expect.objectContaining({ name: "CONTROL_ROOM", type: "service", service: CONTROL_ROOM }),
    );
    expect(uploads.indexOf(CONTROL_ROOM)).toBeGreaterThan(uploads.indexOf("kick-edge-webhooks"));
    expect(uploads.indexOf(CONTROL_ROOM)).toBeLessThan(uploads.indexOf("kick-edge-oauth"));
    // A channel is subscribed to its Kick events as it connects: the oauth Worker asks the webhooks Worker.
    expect(script(at.api, "kick-edge-oauth").bindings).toContainEqual(
      expect.objectContaining({ name: "SUBSCRIPTIONS", type: "service", service: "kick-edge-webhooks" }),
    );
    expect(uploads.indexOf("kick-edge-oauth")).toBeGreaterThan(uploads.indexOf("kick-edge-webhooks"));
  });

  it("applies every migration remotely before the Workers go live", () => {
    const applied = at.api.d1("kick-edge").prepare("SELECT name FROM d1_migrations ORDER BY id").all() as {
      name: string;
    }[];
    expect(applied.map((m) => m.name)).toEqual(readdirSql());
    const tables = at.api.d1("kick-edge").prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["accounts", "token_records", "webhook_events"]));
    const firstUpload = at.api.requests.findIndex((r) => r.method === "PUT" && r.path.includes("/workers/scripts/"));
    const lastMigration = at.api.requests.findLastIndex(
      (r) => r.path.endsWith("/query") && /CREATE TABLE/i.test(r.body),
    );
    expect(lastMigration).toBeGreaterThan(-1);
    expect(lastMigration).toBeLessThan(firstUpload);
  });

  it("sets the same generated key on every Worker, the Kick app where needed, and a strong passphrase", () => {
    const keys = SCRIPTS.map((n) => script(at.api, n).secrets.TOKEN_ENCRYPTION_KEY);
    expect(new Set(keys).size).toBe(1);
    expect(Buffer.from(keys[0]!, "base64")).toHaveLength(32);
    for (const n of SCRIPTS) expect(script(at.api, n).secrets).toMatchObject(KICK);
    const passphrase = script(at.api, "kick-edge-oauth").secrets.ADMIN_SECRET!;
    expect(passphrase.length).toBeGreaterThanOrEqual(20);
    expect(first.out.split(passphrase)).toHaveLength(2);
    expect(
      SCRIPTS.filter((n) => n !== "kick-edge-oauth").every((n) => !("ADMIN_SECRET" in script(at.api, n).secrets)),
    ).toBe(true);
    // Nothing generated is left on disk once every Worker has it.
    expect(existsSync(join(at.dir, "pending-secrets.json"))).toBe(false);
  });

  it("uploads no loopback or local value, and prints the Kick settings the Workers were given", () => {
    for (const n of [...SCRIPTS, RULES])
      for (const [name, value] of Object.entries(script(at.api, n).vars))
        expect(`${name}=${value}`).not.toMatch(/localhost|127\.0\.0\.1|::1|\.test\b/);
    const oauth = script(at.api, "kick-edge-oauth").vars;
    expect(oauth.OAUTH_REDIRECT_URI).toBe("https://kick-edge-oauth.streamer.workers.dev/callback");
    expect(oauth.AUTOMATIONS_URL).toBe("https://kick-edge-automations.streamer.workers.dev");
    expect(oauth.KICK_ID_BASE).toBe("");
    expect(script(at.api, "kick-edge-automations").vars.OAUTH_URL).toBe("https://kick-edge-oauth.streamer.workers.dev");
    expect(script(at.api, RULES).vars.RELAY_HTTP_HOSTS).toBe("");
    expect(script(at.api, RULES).vars.OAUTH_URL).toBe("https://kick-edge-oauth.streamer.workers.dev");
    const printed = first.out.slice(first.out.indexOf("kick-edge is deployed"));
    expect(printed).toContain(`Redirect URL:   ${oauth.OAUTH_REDIRECT_URI}`);
    expect(printed).toContain("https://kick-edge-webhooks.streamer.workers.dev/kick");
    expect(printed).toContain("events:subscribe");
  });

  it("re-runs as an upgrade: nothing asked, nothing created, no secret overwritten", async () => {
    const before = new Map(SCRIPTS.map((n) => [n, { ...script(at.api, n).secrets }]));
    const since = at.api.requests.length;
    const again = await deploy(at.api, at.dir, ["--account", "Streamer"]);
    expect(again.code, again.out).toBe(0);
    const created = mutations(at.api, since).filter(
      (r) => r.method === "POST" && /storage\/kv\/namespaces$|d1\/database$/.test(r.path),
    );
    expect(created).toEqual([]);
    expect(mutations(at.api, since).some((r) => r.path.endsWith("/workers/subdomain"))).toBe(false);
    for (const n of SCRIPTS) expect(script(at.api, n).secrets).toEqual(before.get(n));
    // Kept, not re-sent: no upload of this run carried a secret value.
    for (const n of SCRIPTS) {
      const sent = (script(at.api, n).active.metadata.bindings as { type: string }[]).filter(
        (b) => b.type === "secret_text",
      );
      expect(sent, n).toEqual([]);
    }
    expect(again.out).toContain("up to date");
    expect(again.out).not.toContain(before.get("kick-edge-oauth")!.ADMIN_SECRET!);
    expect(at.api.unhandled()).toEqual([]);
  }, 180_000);

  it("upgrades a deployment from before the rules and control room Workers: they are added, and need no secret from this machine", async () => {
    at.api.state.scripts.delete(RULES);
    at.api.state.scripts.delete(CONTROL_ROOM);
    const upgraded = await deploy(at.api, at.dir, ["--account", "Streamer"]);
    expect(upgraded.code, upgraded.out).toBe(0);
    expect(upgraded.out).toContain(`+ create ${RULES}`);
    expect(upgraded.out).toContain(`+ create ${CONTROL_ROOM}`);
    expect(script(at.api, RULES).workersDev).toBe(false);
    expect(script(at.api, CONTROL_ROOM).workersDev).toBe(false);
    expect(at.api.unhandled()).toEqual([]);
  }, 180_000);

  it("--check passes against the deployed Workers, and names what is wrong with its fix", async () => {
    const origins = {
      "https://kick-edge-oauth.streamer.workers.dev": inject("oauthUrl"),
      "https://kick-edge-automations.streamer.workers.dev": inject("automationsUrl"),
      "https://kick-edge-webhooks.streamer.workers.dev": inject("webhooksUrl"),
      "https://kick-edge-refresh.streamer.workers.dev": inject("refreshUrl"),
    };
    const extra = {
      CLOUDFLARE_ACCOUNT_ID: "bbbb1111bbbb1111bbbb1111bbbb1111",
      KICK_EDGE_CHECK_ORIGINS: JSON.stringify(origins),
    };
    const healthy = await deploy(at.api, at.dir, ["--check"], extra);
    expect(healthy.out).toContain("Kick accepts the app's credentials");
    expect(healthy.out).toContain("webhook URL answers");
    expect(healthy.out).toContain(`${RULES} is deployed (no public URL`);
    expect(healthy.code, healthy.out).toBe(0);

    delete script(at.api, "kick-edge-webhooks").secrets.TOKEN_ENCRYPTION_KEY;
    script(at.api, "kick-edge-automations").schedules = [];
    const broken = await deploy(at.api, at.dir, ["--check"], {
      ...extra,
      KICK_EDGE_CHECK_ORIGINS: JSON.stringify({
        ...origins,
        "https://kick-edge-refresh.streamer.workers.dev": "http://127.0.0.1:9",
      }),
    });
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(
      /kick-edge-webhooks lacks the secrets TOKEN_ENCRYPTION_KEY\n\s+fix: run `npm run deploy`/,
    );
    expect(broken.out).toContain("kick-edge-automations: crons not registered: * * * * *");
    expect(broken.out).toContain("kick-edge-refresh does not answer");
    expect(broken.out).toContain("3 problems found.");
  }, 60_000);

  it("--destroy removes the Workers and keeps the data; --delete-data removes that too", async () => {
    const refused = await deploy(at.api, at.dir, ["--destroy", "--account", "Streamer"]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("--yes");
    expect(at.api.state.scripts.size).toBe(6);

    const removed = await deploy(at.api, at.dir, ["--destroy", "--yes", "--account", "Streamer"]);
    expect(removed.code, removed.out).toBe(0);
    expect(at.api.state.scripts.size).toBe(0);
    expect(at.api.state.kvNamespaces.size).toBe(1);
    expect(at.api.state.d1Databases.size).toBe(1);

    const wiped = await deploy(at.api, at.dir, ["--destroy", "--yes", "--delete-data", "--account", "Streamer"]);
    expect(wiped.code, wiped.out).toBe(0);
    expect(at.api.state.kvNamespaces.size).toBe(0);
    expect(at.api.state.d1Databases.size).toBe(0);
  }, 60_000);
});

describe("a deploy that fails partway", () => {
  const at = standIn();
  const NEW_KICK = {
    KICK_CLIENT_ID: "01JKICKAPPCLIENTID0000000",
    KICK_CLIENT_SECRET: "regenerated-in-kick-settings-0987",
  };

  it("stops with a clear message, keeps the generated values private, and a re-run (without the Kick app) finishes", async () => {
    at.api.fail({ method: "PUT", path: /\/workers\/scripts\/kick-edge-automations/, status: 500 });
    const broken = await deploy(at.api, at.dir, [], KICK);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain("Uploading kick-edge-automations failed");
    expect(broken.out).toContain("run `npm run deploy` again to finish");
    expect(broken.out).not.toContain(KICK.KICK_CLIENT_SECRET);
    expect(at.api.state.scripts.has("kick-edge-refresh")).toBe(true);
    expect(at.api.state.scripts.has("kick-edge-oauth")).toBe(false);
    const pending = join(at.dir, "pending-secrets.json");
    expect(statSync(pending).mode & 0o777).toBe(0o600);
    expect(readdirSync(at.dir).filter((f) => f.startsWith("secrets-"))).toEqual([]);

    at.api.clearFaults();
    const finished = await deploy(at.api, at.dir, []);
    expect(finished.code, finished.out).toBe(0);
    const keys = SCRIPTS.map((n) => script(at.api, n).secrets.TOKEN_ENCRYPTION_KEY);
    expect(new Set(keys).size).toBe(1);
    for (const n of SCRIPTS) expect(script(at.api, n).secrets).toMatchObject(KICK);
    expect(finished.out).toContain(`Connect-page passphrase`);
    expect(finished.out).toContain(script(at.api, "kick-edge-oauth").secrets.ADMIN_SECRET);
    expect([...at.api.state.kvNamespaces.values()]).toHaveLength(1);
    expect(existsSync(pending)).toBe(false);
    expect(at.api.unhandled()).toEqual([]);
  }, 240_000);

  it("a change of Kick credentials that fails partway is finished by the next run, which needs no credentials", async () => {
    at.api.fail({ method: "PUT", path: /\/workers\/scripts\/kick-edge-automations/, status: 500 });
    at.api.fail({ method: "POST", path: /\/workers\/scripts\/kick-edge-automations\/versions/, status: 500 });
    const broken = await deploy(at.api, at.dir, [], NEW_KICK);
    expect(broken.code).toBe(1);
    expect(script(at.api, "kick-edge-refresh").secrets).toMatchObject(NEW_KICK);
    expect(script(at.api, "kick-edge-oauth").secrets).toMatchObject(KICK);
    at.api.clearFaults();
    const finished = await deploy(at.api, at.dir, []);
    expect(finished.code, finished.out).toBe(0);
    for (const n of SCRIPTS) expect(script(at.api, n).secrets).toMatchObject(NEW_KICK);
  }, 240_000);

  it("a failure after the oauth Worker went live still prints its new passphrase on the re-run", async () => {
    // The upload succeeds, then a later wrangler step (workers.dev) fails: the secret is live, the run is not done.
    at.api.fail({ method: "POST", path: /\/workers\/scripts\/kick-edge-oauth\/subdomain/, status: 500 });
    const broken = await deploy(at.api, at.dir, ["--rotate-admin-secret"]);
    expect(broken.code).toBe(1);
    const rotated = script(at.api, "kick-edge-oauth").secrets.ADMIN_SECRET!;
    at.api.clearFaults();
    const finished = await deploy(at.api, at.dir, []);
    expect(finished.code, finished.out).toBe(0);
    expect(script(at.api, "kick-edge-oauth").secrets.ADMIN_SECRET).toBe(rotated);
    expect(finished.out).toContain(rotated);
  }, 240_000);
});

describe("custom domains", () => {
  // An account without a workers.dev subdomain: custom domains need none.
  const at = standIn({ subdomain: null });

  it("--domain serves each Worker on <worker>.<domain>, wires those URLs, and turns workers.dev off", async () => {
    const run = await deploy(at.api, at.dir, ["--domain", "kick.example.com"], KICK);
    expect(run.code, run.out).toBe(0);
    expect([...at.api.state.customDomains.values()].map((d) => `${d.hostname} -> ${d.service}`).sort()).toEqual(
      SCRIPTS.map((s) => `${s.replace("kick-edge-", "")}.kick.example.com -> ${s}`).sort(),
    );
    for (const n of SCRIPTS) expect(script(at.api, n).workersDev).toBe(false);
    expect(script(at.api, "kick-edge-oauth").vars.OAUTH_REDIRECT_URI).toBe("https://oauth.kick.example.com/callback");
    expect(script(at.api, "kick-edge-automations").vars.OAUTH_URL).toBe("https://oauth.kick.example.com");
    expect(run.out).toContain("Webhooks:       on, with this URL: https://webhooks.kick.example.com/kick");
    expect(at.api.state.subdomain).toBeNull();
    expect(at.api.unhandled()).toEqual([]);
  }, 180_000);
});

describe("the deploy config", () => {
  it("refuses any setting that would point a deployed Worker at this machine", () => {
    const project = readProject();
    const urls = origins(project, { subdomain: "streamer" });
    const ids = {
      kvIds: { TOKENS: "a".repeat(32) },
      d1Ids: { "kick-edge": "11111111-2222-3333-4444-555555555555" },
      urls,
      options: {},
    };
    const config = deployConfig(project, ids);
    expect(Object.keys(config.env).sort()).toEqual([
      "automations",
      "control-room",
      "oauth",
      "refresh",
      "rules",
      "webhooks",
    ]);
    // The rules Worker stays private: no URL of its own, whatever the others get.
    expect(config.env.rules).toMatchObject({ workers_dev: false });
    expect(config.env.rules!.routes).toBeUndefined();
    for (const host of ["http://localhost:8788", "http://127.0.0.1:8787", "http://[::1]:1", "http://kick.test"]) {
      const edited = readProject();
      edited.toml.env.webhooks!.vars = { ...edited.toml.env.webhooks!.vars, NEW_RECEIVER_URL: host };
      expect(() => deployConfig(edited, ids), host).toThrow(/Refusing to deploy[\s\S]*webhooks: NEW_RECEIVER_URL/);
    }
  });
});

describe("refusals and the dry run change nothing", () => {
  const at = standIn();

  it("--dry-run prints the whole plan and makes no change", async () => {
    const plan = await deploy(at.api, at.dir, ["--dry-run"]);
    expect(plan.code, plan.out).toBe(0);
    for (const s of SCRIPTS) expect(plan.out).toContain(`+ create ${s}`);
    expect(plan.out).toContain("+ create KV namespace kick-edge-tokens");
    expect(plan.out).toContain(`${readdirSql().length} to apply`);
    expect(plan.out).toContain("Never deployed: kick-emulator");
    expect(plan.out).toContain("Dry run: nothing was changed.");
    expect(mutations(at.api)).toEqual([]);
  });

  it("without a terminal, a missing Kick app is refused by name before anything changes", async () => {
    const refused = await deploy(at.api, at.dir, []);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("KICK_CLIENT_ID and KICK_CLIENT_SECRET");
    expect(mutations(at.api)).toEqual([]);
  });

  it("refuses a Kick client secret given without its client id", async () => {
    const refused = await deploy(at.api, at.dir, [], { KICK_CLIENT_SECRET: KICK.KICK_CLIENT_SECRET });
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("Give both KICK_CLIENT_ID and KICK_CLIENT_SECRET");
    expect(refused.out).not.toContain(KICK.KICK_CLIENT_SECRET);
    expect(mutations(at.api)).toEqual([]);
  });

  it("refuses wrong Cloudflare credentials with the way to log in", async () => {
    const refused = await deploy(at.api, at.dir, [], { ...KICK, CLOUDFLARE_API_TOKEN: "not-the-token" });
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("npx wrangler login");
    expect(mutations(at.api)).toEqual([]);
  });
});

const readdirSql = () =>
  readdirSync("migrations")
    .filter((f) => f.endsWith(".sql"))
    .sort();
