import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { failureReport, isError, plain, summary } from "../../scripts/startOutput.mjs";
import { devCommand } from "../../scripts/workers.mjs";

/** What wrangler dev 4 printed for one Worker of `npm start`, colour codes and all. */
const fixture = (name: string) => readFileSync(`test/node/fixtures/${name}`, "utf8").split("\n").filter(Boolean);
const started = fixture("wrangler-dev-ready.txt");
const failed = fixture("wrangler-dev-failed.txt");

describe("npm start's terminal", () => {
  it("gets none of a Worker's start-up chatter: banner, binding table, dev-only warnings, request logs", () => {
    // The fixture holds the warnings the issue names, so this proves they stay in the log file.
    expect(started.map(plain)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Missing required secrets/),
        expect.stringMatching(/Scheduled Workers are not automatically triggered/),
        expect.stringMatching(/^env\.TOKENS/),
        expect.stringMatching(/Ready on/),
      ]),
    );
    expect(started.filter(isError)).toEqual([]);
  });

  it("gets wrangler's errors, told from the rest however wrangler colours them", () => {
    expect(failed.filter(isError).map(plain)).toEqual([
      "✘ [ERROR] *** Uncaught exception ***",
      "✘ [ERROR] The Workers runtime failed to start. There was likely a problem with the workerd binary or your configuration.",
    ]);
    expect(isError("✘ [ERROR] Build failed with 1 error:")).toBe(true);
    expect(isError('{"event":"webhook_processed","outcome":"[ERROR]"}')).toBe(false);
  });

  it("says why a Worker stopped in its own words, the cause below each error, without the stack dump", () => {
    const report = failureReport(failed);
    expect(report).toEqual([
      "✘ [ERROR] *** Uncaught exception ***",
      "  workerd/util/sqlite.c++:1827: failed: SQLite failed; dbErrorMessage(err, db) = database is locked: SQLITE_BUSY",
      "✘ [ERROR] The Workers runtime failed to start. There was likely a problem with the workerd binary or your configuration.",
      "  Runtime stderr:",
      expect.stringMatching(/^ {2}\{"timestamp"/),
    ]);
    expect(report.join("\n")).not.toMatch(/goroutine/);
    expect(report.join("\n")).not.toContain("\u001b");
  });

  it("says the last lines when a Worker stopped naming no error", () => {
    expect(failureReport(["a", "", "b", "c"], { tail: 2 })).toEqual(["b", "c"]);
  });

  it("keeps colour codes out of the log file", () => {
    expect(plain(failed[1]!)).toBe("✘ [ERROR] *** Uncaught exception ***");
    expect(started.map(plain).join("\n")).not.toContain("\u001b");
  });
});

describe("the summary", () => {
  const base = {
    workers: [
      { name: "kick-emulator", url: "http://127.0.0.1:8791" },
      { name: "oauth", url: "http://127.0.0.1:8787" },
      { name: "refresh", url: "http://127.0.0.1:8790" },
    ],
    kickConfigured: false,
    crons: [
      { worker: "refresh", expression: "*/5 * * * *" },
      { worker: "refresh", expression: "17 * * * *" },
    ],
    state: ".state",
    log: ".state/start.log",
    seconds: 12.34,
  };

  it("is the URLs, the generated admin passphrase itself, the crons and where the log is, in a screenful", () => {
    const text = summary({ ...base, passphrase: { generated: "dev-0123456789abcdef01234567" } });
    for (const w of base.workers) expect(text).toMatch(new RegExp(`${w.name} +${w.url}`));
    expect(text).toContain("Admin passphrase for the connect page: dev-0123456789abcdef01234567");
    expect(text).toContain('Crons, run on their schedules (UTC): refresh "*/5 * * * *", "17 * * * *"');
    expect(text).toContain(".state/start.log");
    expect(text).toContain("ready in 12.3 s");
    expect(text).toContain("the local emulator");
    expect(text.split("\n").length).toBeLessThan(25);
  });

  it("never echoes a passphrase the streamer chose, and says when it is too short to sign in with", () => {
    const chosen = summary({ ...base, passphrase: { chosenIn: ".dev.vars", tooShort: true } });
    expect(chosen).toContain("the ADMIN_SECRET you set in .dev.vars");
    expect(chosen).toContain("shorter than 20 characters");
    const fine = summary({ ...base, passphrase: { chosenIn: "the environment", tooShort: false } });
    expect(fine).not.toContain("shorter");
  });

  it("names a cron it will not run", () => {
    const text = summary({ ...base, passphrase: null, skippedCrons: ['refresh cron "0 18 * * 6L": weekday "6L"'] });
    expect(text).toContain('Not run locally: refresh cron "0 18 * * 6L"');
    expect(text).not.toContain("Admin passphrase");
  });
});

describe("each Worker's wrangler dev command", () => {
  const oauth = {
    name: "oauth",
    port: 8787,
    vars: ["KICK_ID_BASE", "AUTOMATIONS_URL"],
    secrets: ["KICK_CLIENT_ID", "TOKEN_ENCRYPTION_KEY", "ADMIN_SECRET"],
  };
  const provided = {
    KICK_ID_BASE: "http://127.0.0.1:8791",
    KICK_CLIENT_ID: "emulator-client",
    TOKEN_ENCRYPTION_KEY: "a-generated-key",
    ADMIN_SECRET: "dev-passphrase-of-24-chars",
    AUTOMATIONS_URL: "http://127.0.0.1:8788",
    OAUTH_URL: "http://127.0.0.1:8787",
  };

  it("hands required secrets over in the environment, where wrangler counts them as set, never on the command line", () => {
    const { args, env } = devCommand(oauth, provided, ".state", null);
    expect(env).toMatchObject({
      KICK_CLIENT_ID: "emulator-client",
      TOKEN_ENCRYPTION_KEY: "a-generated-key",
      ADMIN_SECRET: "dev-passphrase-of-24-chars",
      WRANGLER_REGISTRY_PATH: ".state/registry",
    });
    expect(args.join(" ")).not.toMatch(/emulator-client|a-generated-key|dev-passphrase/);
    expect(args).not.toContain("--env-file");
  });

  it("gives each Worker only the vars its wrangler.toml section has, as a deploy does", () => {
    const { args } = devCommand(oauth, provided, ".state", null);
    const vars = args.flatMap((a, i) => (args[i - 1] === "--var" ? [a] : []));
    expect(vars).toEqual(["KICK_ID_BASE:http://127.0.0.1:8791", "AUTOMATIONS_URL:http://127.0.0.1:8788"]);
    const rules = devCommand({ name: "rules", port: 8792, vars: ["OAUTH_URL"], secrets: [] }, provided, ".state", null);
    expect(rules.args.join(" ")).toContain("--var OAUTH_URL:http://127.0.0.1:8787");
    expect(rules.env.TOKEN_ENCRYPTION_KEY).toBeUndefined();
  });

  it("with a .dev.vars, names it as the env file, so wrangler reads the file and the generated secrets both", async () => {
    // The shell has its own ADMIN_SECRET; the file's must win, as when wrangler reads the file alone.
    vi.stubEnv("ADMIN_SECRET", "one from the shell");
    vi.resetModules();
    const fresh = await import("../../scripts/workers.mjs");
    const file = "test/node/fixtures/dev.vars";
    const { ADMIN_SECRET: _chosen, KICK_CLIENT_ID: _app, ...rest } = provided;
    const { args, env } = fresh.devCommand(oauth, rest, ".state", file);
    expect(args.slice(args.indexOf("--env-file"), args.indexOf("--env-file") + 2)).toEqual(["--env-file", file]);
    expect(env.TOKEN_ENCRYPTION_KEY).toBe("a-generated-key");
    expect(env).not.toHaveProperty("ADMIN_SECRET");
    vi.unstubAllEnvs();
  });
});
