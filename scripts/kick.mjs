#!/usr/bin/env node
// npm run kick -- event <type> [--to URL] [--field value …]
// Like Twitch CLI's `event trigger`: the emulator builds a realistic Kick event, signs it
// exactly as Kick does (its own RSA key, served at /public/v1/public-key), and POSTs it to
// any receiver: the local webhooks Worker by default, or your own endpoint.
/* global AbortSignal, URL */

// The same list the TypeScript reads, so --list works without the emulator running.
import TYPES from "../shared/kick/eventTypes.json" with { type: "json" };

// The emulator waits for the receiver with no time limit of its own: a receiver that never
// answers would otherwise hang the command.
const WAIT_MS = 20_000;

const USAGE = `Send a signed Kick webhook event (signed by the local emulator, as Kick signs them).

  npm run kick -- event <type> [options] [--<field.path> value ...]
  npm run kick -- event --list

Options:
  --to URL            where to POST it (default http://127.0.0.1:8789/kick, the local webhooks Worker)
  --emulator URL      the emulator (default $KICK_EMULATOR_URL or http://127.0.0.1:8791; npm start runs it)
  --broadcaster ID    the channel the event is about (default 1001, the demo streamer)
  --message-id ID     Kick-Event-Message-Id (default: a new ULID; reuse one to test your deduplication)
  --timestamp TIME    Kick-Event-Message-Timestamp, RFC 3339 (default: now; an old one tests your window)
  --dry-run           print the signed headers and body, send nothing
  --json              print the emulator's whole answer

Any other --a.b value sets that payload field, keeping the fields beside it:
--gift.amount 500, --is_live true, --follower.username bob. Numbers, true, false and null
are read as such, a JSON list or object as JSON (lists are set whole: --giftees '[]'),
anything else is a string (--gift.message=--wow for one starting with --).
Your receiver verifies with the emulator's key: GET <emulator>/public/v1/public-key.
It prints what the receiver said it did: the local webhooks Worker answers "accepted"
(it acts after answering), "duplicate", or why it refused; any other receiver, its HTTP status.
Exit code: 0 when the receiver answered 2xx (or --dry-run), 1 when not, 2 on bad usage.`;

class UsageError extends Error {}

const FLAGS = ["dry-run", "json", "list", "help"];
const NAMED = {
  to: "to",
  emulator: "emulator",
  broadcaster: "broadcaster",
  "message-id": "messageId",
  timestamp: "timestamp",
};

/** What a value on the command line means in the payload (JSON's grammar, so `007` stays a string). */
function parseValue(raw) {
  if (raw === "true" || raw === "false" || raw === "null") return JSON.parse(raw);
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
  if (/^\s*[[{]/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      // Not JSON after all (say "[emote:37226:KEKW] hi"): the text itself.
    }
  }
  return raw;
}

/**
 * `--gift.amount 500` → { gift: { amount: 500 } }; the emulator merges objects deeply, so the
 * other gift fields stay. Lists it replaces whole, so `--giftees.0.username` would turn a list
 * into an object: refused, with the way to set a list instead. Null-prototype objects, so a
 * `--__proto__.x` stays a plain field name.
 */
function setPath(target, path, raw) {
  const keys = path.split(".");
  if (keys.some((k) => k === "")) throw new UsageError(`--${path}: a field name is empty`);
  const index = keys.findIndex((k) => /^\d+$/.test(k));
  if (index >= 0)
    throw new UsageError(
      `--${path}: list items cannot be set one by one; set the whole list as JSON: --${keys.slice(0, index).join(".")} '[...]'`,
    );
  let node = target;
  keys.slice(0, -1).forEach((key, i) => {
    if (!(key in node)) node[key] = Object.create(null);
    else if (typeof node[key] !== "object" || node[key] === null || Array.isArray(node[key]))
      throw new UsageError(
        `--${path} and --${keys.slice(0, i + 1).join(".")} both set ${keys.slice(0, i + 1).join(".")}`,
      );
    node = node[key];
  });
  node[keys.at(-1)] = parseValue(raw);
}

function httpUrl(option, value) {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || !["http:", "https:"].includes(url.protocol))
    throw new UsageError(`--${option} must be an http(s) URL, not "${value}"`);
  return value;
}

function parse(argv) {
  const o = {
    to: "http://127.0.0.1:8789/kick",
    emulator: process.env.KICK_EMULATOR_URL || "http://127.0.0.1:8791",
    overrides: Object.create(null),
    flags: new Set(),
    positional: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h") o.flags.add("help");
    else if (arg.startsWith("--") && arg.length > 2) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s);
      if (FLAGS.includes(name)) {
        if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
        o.flags.add(name);
        continue;
      }
      // `--to --json` is a forgotten value, not a URL called "--json".
      const value = inline ?? (argv[i + 1]?.startsWith("--") ? undefined : argv[++i]);
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      if (name in NAMED) o[NAMED[name]] = value;
      else setPath(o.overrides, name, value);
    } else o.positional.push(arg);
  }
  httpUrl("to", o.to);
  httpUrl("emulator", o.emulator);
  if (o.broadcaster !== undefined && !/^[1-9]\d{0,15}$/.test(o.broadcaster))
    throw new UsageError(`--broadcaster is a Kick user id (a number), not "${o.broadcaster}"`);
  return o;
}

/** The receiver's address as printed: a password in it (https://user:pass@…) is not echoed. */
function shown(url) {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.href;
}

async function sendEvent(o) {
  const [, type, ...extra] = o.positional;
  if (!type) throw new UsageError("name an event type (npm run kick -- event --list)");
  if (extra.length) throw new UsageError(`unexpected "${extra.join(" ")}" (fields are set as --field.path value)`);
  if (!TYPES.includes(type))
    throw new UsageError(`unknown event type "${type}"; the types are:\n  ${TYPES.join("\n  ")}`);
  const dry = o.flags.has("dry-run");
  const body = {
    type,
    ...(dry ? {} : { to: o.to }),
    ...(o.broadcaster ? { broadcaster_user_id: Number(o.broadcaster) } : {}),
    ...(o.messageId ? { message_id: o.messageId } : {}),
    ...(o.timestamp ? { timestamp: o.timestamp } : {}),
    ...(Object.keys(o.overrides).length ? { overrides: o.overrides } : {}),
  };
  const endpoint = `${o.emulator.replace(/\/+$/, "")}/_emulator/webhooks`;
  let response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(WAIT_MS),
    });
  } catch (error) {
    if (error?.name === "TimeoutError")
      console.error(
        `No answer within ${WAIT_MS / 1000} s: ${dry ? `the emulator at ${o.emulator} is stuck` : `the receiver at ${shown(o.to)} is not answering the event`}.`,
      );
    else
      console.error(
        `The Kick emulator is not answering at ${o.emulator}. Start it with: npm start (or point --emulator or KICK_EMULATOR_URL at yours)`,
      );
    return 1;
  }
  const answer = await response.json().catch(() => null);
  if (response.status === 400 && answer?.error) {
    console.error(`The emulator refused the event: ${answer.error.message ?? JSON.stringify(answer.error)}`);
    return 2;
  }
  if (!response.ok || !answer?.headers) {
    console.error(
      `Something answered at ${o.emulator} (HTTP ${response.status}), but not as the Kick emulator does. Is npm start running, and is --emulator right?`,
    );
    return 1;
  }
  if (o.flags.has("json") || dry)
    console.log(JSON.stringify(o.flags.has("json") ? answer : { headers: answer.headers, body: answer.body }, null, 2));
  if (dry) return 0;
  const id = answer.headers["kick-event-message-id"];
  const d = answer.delivered;
  const ok = d && "status" in d && d.status >= 200 && d.status < 300;
  // With --json the output is the JSON alone (for scripts); the exit code still tells.
  if (!o.flags.has("json")) {
    const where = `${type} ${id} → ${shown(o.to)}`;
    console.log(
      d && "status" in d
        ? `${where}: ${receiverSaid(d.status, ok, answer, o.emulator)}`
        : `${where}: not delivered (${d?.error ?? "no answer"})`,
    );
  }
  return ok ? 0 : 1;
}

const parsed = (text) => {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return null;
  }
};

/**
 * What the receiver did, in words, from its answer (the emulator relays it). Our webhooks
 * Worker answers `{ok:true, data:{accepted, duplicate, message_id, reason?}}` once the event is
 * verified and recorded, before acting on it (replies, announcement and relays run after the
 * answer), so "accepted" is all it can say; a refusal is `{ok:false, error:{code, message}}`.
 * Any other receiver is told by its HTTP status alone.
 */
function receiverSaid(status, ok, answer, emulator) {
  const said = parsed(answer.receiver_answer);
  const data = said?.ok === true ? said.data : undefined;
  if (typeof data?.accepted === "boolean") {
    if (data.duplicate) return "duplicate: this message id was received before, so nothing was done again";
    if (!data.accepted)
      return data.reason === "invalid_payload"
        ? "kept but not acted on: the body is not what Kick sends for this event (--json shows what did not match)"
        : `not accepted (${data.reason ?? "no reason given"})`;
    const slug = parsed(answer.body)?.broadcaster?.channel_slug;
    const chat =
      typeof slug === "string"
        ? `; what it posts in chat shows at ${emulator.replace(/\/+$/, "")}/channel/${slug}`
        : "";
    return `accepted (processing after the answer${chat})`;
  }
  if (said?.ok === false && typeof said.error?.message === "string")
    return `refused with HTTP ${status}: ${said.error.message}`;
  return `HTTP ${status}${ok ? "" : " (not accepted)"}`;
}

async function main(argv) {
  try {
    const o = parse(argv);
    const command = o.positional[0];
    if (command === "help" || o.flags.has("help")) return (console.log(USAGE), 0);
    if (command === "events" || (command === "event" && o.flags.has("list"))) return (console.log(TYPES.join("\n")), 0);
    if (command !== "event") throw new UsageError(command ? `unknown command "${command}"\n\n${USAGE}` : USAGE);
    return await sendEvent(o);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
