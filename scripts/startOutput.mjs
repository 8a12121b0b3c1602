// What `npm start` shows in the terminal, and what only its log file gets. wrangler dev prints
// about 40 lines per Worker before it is ready (banners, binding tables, notes about dev-only
// behaviour); the terminal gets one summary, and a Worker's errors when it has any.

/** wrangler colours its output even into a pipe; the log file and the terminal get plain text. */
// eslint-disable-next-line no-control-regex
export const plain = (line) => line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");

/**
 * An error wrangler reports for a Worker (a build that failed after an edit, an uncaught
 * exception, a runtime that would not start): the terminal shows these as they come.
 */
export const isError = (line) => /^\s*✘ \[ERROR\]/.test(plain(line));

/**
 * Why a Worker stopped, from its output: each error line with the indented lines that explain
 * it (wrangler puts the cause, such as "database is locked", on the line below), or the last
 * lines when it named no error. Stack dumps after the error stay in the log file.
 */
export function failureReport(lines, { detail = 4, tail = 8 } = {}) {
  const text = lines.map(plain);
  const report = [];
  for (let i = 0; i < text.length; i++) {
    if (!isError(text[i])) continue;
    report.push(text[i].trim());
    for (let j = i + 1; j <= i + detail && j < text.length && /^\s+\S/.test(text[j]); j++) report.push(text[j]);
  }
  return report.length ? report : text.filter((l) => l.trim()).slice(-tail);
}

/** What each Worker is for, beside its URL in the summary. */
export const NOTES = {
  "kick-emulator": "stand-in for id.kick.com + api.kick.com; control API at /_emulator",
  oauth: "connect page: sign in, connect Kick accounts, get automation keys",
  automations: "trigger API for Zapier / IFTTT / Stream Deck (/v1/...)",
  webhooks: "Kick event intake",
  refresh: "token refresh",
  rules: "announce rule, timers, event replies, relays (reached through the automations URL)",
  "control-room": "set-up and activity pages (reached through the connect page)",
};

/**
 * The summary `npm start` prints once every Worker answers. The admin passphrase is shown
 * only when npm start made it (a local, generated dev secret, as the connect page needs it at
 * once); one you chose is never echoed. No other secret is ever part of it.
 *
 * @param {{
 *   workers: { name: string, url: string }[],
 *   kickConfigured: boolean,
 *   passphrase: { generated: string } | { chosenIn: string, tooShort: boolean } | null,
 *   crons: { worker: string, expression: string }[],
 *   skippedCrons?: string[],
 *   state: string,
 *   log: string,
 *   seconds?: number,
 * }} s
 */
export function summary(s) {
  const width = Math.max(...s.workers.map((w) => w.name.length));
  const lines = [
    "",
    s.seconds === undefined ? "kick-edge is running:" : `kick-edge is running (ready in ${s.seconds.toFixed(1)} s):`,
    "",
    ...s.workers.map((w) => `  ${w.name.padEnd(width)}  ${w.url.padEnd(24)}  ${NOTES[w.name] ?? ""}`.trimEnd()),
    "",
    `  Kick: ${s.kickConfigured ? "the real Kick (KICK_CLIENT_ID is set)" : "the local emulator (no KICK_CLIENT_ID configured)"}`,
  ];
  const p = s.passphrase;
  if (p && "generated" in p)
    lines.push(
      `  Admin passphrase for the connect page: ${p.generated}  (made for this machine, kept in ${s.state}/dev-secrets.json)`,
    );
  else if (p) {
    lines.push(`  Admin passphrase for the connect page: the ADMIN_SECRET you set in ${p.chosenIn}`);
    if (p.tooShort)
      lines.push("  It is shorter than 20 characters: the connect page refuses sign-in until it is longer.");
  }
  if (s.crons.length) {
    const byWorker = new Map();
    for (const c of s.crons) byWorker.set(c.worker, [...(byWorker.get(c.worker) ?? []), c.expression]);
    const list = [...byWorker].map(
      ([worker, expressions]) => `${worker} ${expressions.map((e) => `"${e}"`).join(", ")}`,
    );
    lines.push(`  Crons, run on their schedules (UTC): ${list.join("; ")}`);
  }
  for (const skipped of s.skippedCrons ?? []) lines.push(`  Not run locally: ${skipped}`);
  lines.push(
    `  Local state (KV, D1): ${s.state}/`,
    `  Log (each Worker's output, requests, cron runs): ${s.log}   (tail -f it to watch)`,
    "",
    "Ctrl+C stops them all.",
    "",
  );
  return lines.join("\n");
}
