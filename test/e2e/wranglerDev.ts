import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RunningWorker {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

/**
 * Boots one Worker of wrangler.toml with `wrangler dev` (real workerd, real HTTP) on a
 * fixed loopback port with its own state folder, and waits until it answers.
 */
export async function wranglerDev(env: string, port: number, vars: Record<string, string> = {}): Promise<RunningWorker> {
  const persist = mkdtempSync(join(tmpdir(), `kick-edge-${env}-`));
  const args = ["dev", "--env", env, "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persist, "--inspector-port", "0", "--show-interactive-dev-session=false", "--log-level", "warn"];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const child: ChildProcess = spawn("node_modules/.bin/wrangler", args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" } });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev --env ${env} exited ${child.exitCode}:\n${log}`);
    try {
      await fetch(url);
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
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(persist, { recursive: true, force: true });
    },
  };
}
