// Finds a Chromium for the browser tests, and on Debian/Ubuntu (as root) installs Debian's
// package when there is none. Browsers are never downloaded by a test tool: that fails here.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
].filter(Boolean);

export function findChromium() {
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  if (existsSync("/usr/bin/apt-get") && isRoot) {
    console.log("No Chromium found: installing Debian's chromium package for the browser tests…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    for (const args of [
      ["update", "-qq"],
      ["install", "-y", "-qq", "chromium"],
    ]) {
      const run = spawnSync("apt-get", args, { stdio: "inherit", env });
      if (run.status !== 0) process.exit(run.status ?? 1);
    }
    return findChromium();
  }
  console.error(
    "The browser tests need Chromium. Install it (Debian/Ubuntu: sudo apt-get install chromium; macOS: Google Chrome), or set CHROMIUM_PATH.",
  );
  process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(`Chromium: ${ensureChromium()}`);
