#!/usr/bin/env node
// npm run bench: the measurements the issues ask for, each as a ratio to a baseline taken in
// the same run. Today: every Worker's gzipped bundle (wrangler deploy --dry-run), against the
// 32 KiB budget and against a one-line Worker bundled the same way.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { QUIET_ENV, WRANGLER, workers } from "./workers.mjs";

const BUDGET = 32 * 1024;
const out = mkdtempSync(join(tmpdir(), "kick-edge-bench-"));

/** Bundles one Worker without an account or network and measures its main module. */
function bundle(args, dir, cwd = process.cwd()) {
  const run = spawnSync(resolve(WRANGLER), ["deploy", "--dry-run", "--outdir", dir, ...args], { cwd, env: QUIET_ENV, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`wrangler deploy --dry-run ${args.join(" ")} failed:\n${run.stdout}\n${run.stderr}`);
  const main = readdirSync(dir).find((f) => f.endsWith(".js"));
  const bytes = readFileSync(join(dir, main));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

try {
  const baseDir = join(out, "baseline-src");
  spawnSync("mkdir", ["-p", baseDir]);
  writeFileSync(join(baseDir, "index.js"), 'export default { fetch() { return new Response("ok"); } };\n');
  writeFileSync(join(baseDir, "wrangler.toml"), 'name = "baseline"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\n');
  const baseline = bundle([], join(out, "baseline"), baseDir);

  const rows = workers().map((w) => ({ worker: w.name, ...bundle(["--env", w.name], join(out, w.name)) }));
  const kib = (n) => (n / 1024).toFixed(1);
  console.log("\nBundle size (wrangler deploy --dry-run, main module, gzip -9)\n");
  console.log(`${"worker".padEnd(16)}${"raw KiB".padStart(9)}${"gzip KiB".padStart(10)}${"÷ budget".padStart(10)}${"÷ baseline".padStart(12)}`);
  for (const r of rows) {
    console.log(`${r.worker.padEnd(16)}${kib(r.raw).padStart(9)}${kib(r.gzip).padStart(10)}${(r.gzip / BUDGET).toFixed(2).padStart(10)}${(r.gzip / baseline.gzip).toFixed(1).padStart(12)}`);
  }
  console.log(`${"(baseline)".padEnd(16)}${kib(baseline.raw).padStart(9)}${kib(baseline.gzip).padStart(10)}\n`);
  console.log(`Budget: ${kib(BUDGET)} KiB gzipped per Worker; ratios above 1.00 in "÷ budget" fail.`);
  writeFileSync("bench-results.json", JSON.stringify({ at: new Date().toISOString(), budgetBytes: BUDGET, baseline, bundles: rows }, null, 2));
  const over = rows.filter((r) => r.gzip > BUDGET);
  if (over.length) {
    console.error(`Over budget: ${over.map((r) => r.worker).join(", ")}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
