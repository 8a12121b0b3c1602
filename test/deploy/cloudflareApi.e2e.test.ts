// The stand-in is only worth something if the real wrangler accepts it: these tests drive
// `wrangler deploy` and `wrangler d1 migrations apply --remote` against it and check what it kept.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startCloudflareApi, type CloudflareApi } from "./cloudflareApi.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "node_modules", ".bin");
const WORKER = "kick-edge-automations";
const SECRETS = {
  KICK_CLIENT_ID: "client-id",
  KICK_CLIENT_SECRET: "client-secret",
  TOKEN_ENCRYPTION_KEY: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
};

let api: CloudflareApi;
let dir: string;

/** Runs wrangler as scripts/deploy will: token auth, no metrics, CI, no TTY. Async, so the in-process stand-in keeps answering. */
function wrangler(...args: string[]): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith("CLOUDFLARE_") && !key.startsWith("WRANGLER_")) env[key] = value;
  Object.assign(env, {
    // wrangler 4.164 needs the Node 24 devDependency, first on PATH as under `npm run`.
    PATH: [BIN, process.env.PATH].join(delimiter),
    CLOUDFLARE_API_BASE_URL: api.url,
    CLOUDFLARE_API_TOKEN: api.token,
    CLOUDFLARE_ACCOUNT_ID: api.accountId,
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_LOG_PATH: join(dir, "logs"),
    CI: "true",
  });
  return new Promise((resolve, reject) => {
    const child = spawn(join(BIN, "wrangler"), args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

async function call<T>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; success: boolean; result: T; errors: { code: number; message: string }[] }> {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${api.token}`, "content-type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    ...((await response.json()) as { success: boolean; result: T; errors: { code: number; message: string }[] }),
  };
}

const deploy = (...extra: string[]) => wrangler("deploy", "--env", "automations", "-c", "wrangler.json", ...extra);

beforeAll(async () => {
  api = await startCloudflareApi({ accounts: [{ id: "0123456789abcdef0123456789abcdef", name: "Streamer" }] });
  dir = mkdtempSync(join(tmpdir(), "kick-edge-cf-api-"));
  const a = `/accounts/${api.accountId}`;
  const kv = await call<{ id: string }>("POST", `${a}/storage/kv/namespaces`, { title: "kick-edge-tokens" });
  const d1 = await call<{ uuid: string }>("POST", `${a}/d1/database`, { name: "kick-edge" });
  // The automations section of wrangler.toml, as the deploy script generates it: absolute paths, real ids.
  const config = {
    name: "kick-edge",
    compatibility_date: "2026-11-01",
    minify: true,
    keep_names: false,
    env: {
      automations: {
        name: WORKER,
        main: join(ROOT, "functions/automations/index.ts"),
        workers_dev: true,
        vars: {
          KICK_ID_BASE: "",
          KICK_API_BASE: "",
          OAUTH_URL: "https://kick-edge-oauth.example.workers.dev",
          KICKS_SNAPSHOT_LIVE_MINUTES: "5",
        },
        assets: { directory: join(ROOT, "functions/automations/public"), binding: "ASSETS" },
        triggers: { crons: ["* * * * *"] },
        ratelimits: [{ name: "KEY_LIMITER", namespace_id: "1001", simple: { limit: 60, period: 60 } }],
        secrets: { required: Object.keys(SECRETS) },
        kv_namespaces: [{ binding: "TOKENS", id: kv.result.id }],
        d1_databases: [
          {
            binding: "DB",
            database_name: "kick-edge",
            database_id: d1.result.uuid,
            migrations_dir: join(ROOT, "migrations"),
          },
        ],
      },
    },
  };
  writeFileSync(join(dir, "wrangler.json"), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, "secrets.json"), JSON.stringify(SECRETS));
});

afterAll(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the Cloudflare API stand-in under the real wrangler", () => {
  test(
    "the first deploy, with --secrets-file, creates the Worker with its bindings, vars, crons, assets and secrets",
    { timeout: 60_000 },
    async () => {
      const run = await deploy("--secrets-file", "secrets.json");
      expect(run.code, run.output).toBe(0);

      const script = api.state.scripts.get(WORKER);
      expect(script).toBeDefined();
      if (!script) return;
      expect(script.secrets).toEqual(SECRETS);
      expect(script.vars).toMatchObject({ OAUTH_URL: "https://kick-edge-oauth.example.workers.dev", KICK_ID_BASE: "" });
      const kinds = Object.fromEntries(script.bindings.map((b) => [b.name, b.type]));
      expect(kinds).toMatchObject({
        TOKENS: "kv_namespace",
        DB: "d1",
        KEY_LIMITER: "ratelimit",
        ASSETS: "assets",
        KICK_CLIENT_ID: "secret_text",
      });
      expect(script.bindings.find((b) => b.name === "KEY_LIMITER")).toMatchObject({
        namespace_id: "1001",
        simple: { limit: 60, period: 60 },
      });
      expect(script.schedules.map((s) => s.cron)).toEqual(["* * * * *"]);
      expect(script.workersDev).toBe(true);
      expect(script.active.compatibility_date).toBe("2026-11-01");
      expect(script.active.main_module).toBe("index.js");
      expect(Object.keys(script.active.assets?.manifest ?? {})).toContain("/openapi.json");
      // A new Worker is created with the one-shot upload, not the versions API.
      const uploads = api.requests.filter(
        (r) =>
          r.path.startsWith(`/accounts/${api.accountId}/workers/scripts/${WORKER}`) && /^(PUT|POST)$/.test(r.method),
      );
      expect(uploads.map((r) => `${r.method} ${r.path.split(WORKER)[1] || "/"}`)).toContain("PUT /");
    },
  );

  test(
    "a later deploy without the secrets file goes through the versions API and keeps the secrets",
    { timeout: 60_000 },
    async () => {
      const before = api.requests.length;
      const run = await deploy();
      expect(run.code, run.output).toBe(0);

      const script = api.state.scripts.get(WORKER);
      expect(script?.secrets).toEqual(SECRETS);
      expect(script?.versions).toHaveLength(2);
      const calls = api.requests.slice(before).map((r) => `${r.method} ${r.path}`);
      expect(calls).toContain(`POST /accounts/${api.accountId}/workers/scripts/${WORKER}/versions`);
      expect(calls).toContain(`POST /accounts/${api.accountId}/workers/scripts/${WORKER}/deployments`);
      // The assets were uploaded the first time: this session asks for none.
      expect(calls).not.toContain(`POST /accounts/${api.accountId}/workers/assets/upload`);
    },
  );

  test(
    "d1 migrations apply --remote runs the migrations, and a second apply finds none left",
    { timeout: 60_000 },
    async () => {
      const applyMigrations = () =>
        wrangler("d1", "migrations", "apply", "kick-edge", "--remote", "--env", "automations", "-c", "wrangler.json");
      const apply = await applyMigrations();
      expect(apply.code, apply.output).toBe(0);

      const uuid = [...api.state.d1Databases.values()][0]?.uuid ?? "";
      const tables = await call<{ results: { name: string }[] }[]>(
        "POST",
        `/accounts/${api.accountId}/d1/database/${uuid}/query`,
        { sql: "SELECT name FROM sqlite_master WHERE type = ? ORDER BY name", params: ["table"] },
      );
      const names = tables.result[0]?.results.map((r) => r.name) ?? [];
      expect(names).toEqual(expect.arrayContaining(["d1_migrations", "accounts", "automation_keys"]));
      const applied = api.d1("kick-edge").prepare("SELECT count(*) AS n FROM d1_migrations").get() as { n: number };
      expect(applied.n).toBeGreaterThan(0);

      const again = await applyMigrations();
      expect(again.code, again.output).toBe(0);
      expect(again.output).toContain("No migrations to apply");
    },
  );

  test("an injected fault fails a deploy, and clearing it lets the next one through", { timeout: 60_000 }, async () => {
    api.fail({ method: "POST", path: /\/workers\/scripts\/[^/]+\/versions$/, status: 500 });
    const failed = await deploy();
    expect(failed.code).not.toBe(0);
    expect(failed.output).toContain("injected fault");

    api.clearFaults();
    const retried = await deploy();
    expect(retried.code, retried.output).toBe(0);
    expect(api.state.scripts.get(WORKER)?.secrets).toEqual(SECRETS);
  });

  test("the deploy script's own calls answer with Cloudflare's shapes and errors", async () => {
    const a = `/accounts/${api.accountId}`;
    const duplicate = await call("POST", `${a}/storage/kv/namespaces`, { title: "kick-edge-tokens" });
    expect(duplicate.status).toBe(400);
    expect(duplicate.errors[0]?.code).toBe(10014);
    const missing = await call("GET", `${a}/workers/scripts/no-such-worker/secrets`);
    expect(missing.status).toBe(404);
    expect(missing.errors[0]?.code).toBe(10007);
    const listed = await call<{ name: string }[]>("GET", `${a}/workers/scripts/${WORKER}/secrets`);
    expect(listed.result.map((s) => s.name).sort()).toEqual(Object.keys(SECRETS).sort());
    const forbidden = await fetch(`${api.url}/accounts`, { headers: { authorization: "Bearer wrong" } });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { errors: { code: number }[] }).errors[0]?.code).toBe(10000);
  });

  test("every request wrangler made hit a route", () => {
    expect(api.unhandled()).toEqual([]);
  });
});
