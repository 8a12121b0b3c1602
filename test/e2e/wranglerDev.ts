import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { QUIET_ENV, WRANGLER } from "../../scripts/workers.mjs";

export interface RunningWorker {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

const ENV = { ...QUIET_ENV, CI: "true" };

/** Applies migrations/ to the local D1 in `persistTo`, as `npm start` and deploys do. */
export function applyLocalMigrations(env: string, persistTo: string) {
  const run = spawnSync(
    WRANGLER,
    ["d1", "migrations", "apply", "kick-edge", "--local", "--env", env, "--persist-to", persistTo],
    { env: ENV, encoding: "utf8" },
  );
  if (run.status !== 0) throw new Error(`d1 migrations apply failed:\n${run.stdout}\n${run.stderr}`);
}

/**
 * Boots one Worker of wrangler.toml with `wrangler dev` (real workerd, real HTTP) on a
 * loopback port, keeping state in `persistTo`, and waits until it answers.
 */
export async function wranglerDev(
  env: string,
  port: number,
  persistTo: string,
  vars: Record<string, string> = {},
): Promise<RunningWorker> {
  const args = [
    "dev",
    "--env",
    env,
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    persistTo,
    "--inspector-port",
    "0",
    "--show-interactive-dev-session=false",
    "--log-level",
    "warn",
  ];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  // The Workers find each other's service bindings in this run's own registry, never in a
  // dev suite's (npm start) that may be up beside the tests with the same Worker names.
  const childEnv = { ...ENV, WRANGLER_REGISTRY_PATH: `${persistTo}/registry` };
  const child: ChildProcess = spawn(WRANGLER, args, { stdio: ["ignore", "pipe", "pipe"], env: childEnv });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev --env ${env} exited ${child.exitCode}:\n${log}`);
    try {
      await fetch(`${url}/healthz`);
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGTERM");
        throw new Error(`wrangler dev --env ${env} did not answer on ${url} within 60 s:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    url,
    output: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
