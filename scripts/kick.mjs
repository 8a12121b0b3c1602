#!/usr/bin/env node
// npm run kick -- event <type> [--to URL] [--field value …]
// Like Twitch CLI's `event trigger`: the emulator builds a realistic Kick event, signs it
// exactly as Kick does (its own RSA key, served at /public/v1/public-key), and POSTs it to
// any receiver: the local webhooks Worker by default, or your own endpoint.

const TYPES = [
  "chat.message.sent",
  "channel.followed",
  "channel.subscription.new",
  "channel.subscription.renewal",
  "channel.subscription.gifts",
  "channel.reward.redemption.updated",
  "livestream.status.updated",
  "livestream.metadata.updated",
  "moderation.banned",
  "kicks.gifted",
];

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

Any other --a.b value sets that payload field: --gift.amount 500, --is_live true,
--follower.username bob. Numbers, true, false and null are read as such.
Your receiver verifies with the emulator's key: GET <emulator>/public/v1/public-key.`;

/** `--gift.amount 500` → { gift: { amount: 500 } } (the emulator merges it deeply into its payload). */
function setPath(target, path, raw) {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] ??= {};
  node[keys.at(-1)] = raw === "true" ? true : raw === "false" ? false : raw === "null" ? null : raw !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
}

function parse(argv) {
  const options = { to: "http://127.0.0.1:8789/kick", emulator: process.env.KICK_EMULATOR_URL || "http://127.0.0.1:8791", overrides: {}, flags: new Set(), positional: [] };
  const named = { "--to": "to", "--emulator": "emulator", "--broadcaster": "broadcaster", "--message-id": "messageId", "--timestamp": "timestamp" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (["--dry-run", "--json", "--list", "--help", "-h"].includes(arg)) options.flags.add(arg);
    else if (arg in named) options[named[arg]] = argv[++i];
    else if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s);
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      setPath(options.overrides, name, value);
    } else options.positional.push(arg);
  }
  return options;
}

class UsageError extends Error {}

async function sendEvent(o) {
  const type = o.positional[1];
  if (!type) throw new UsageError("name an event type (npm run kick -- event --list)");
  if (!TYPES.includes(type)) throw new UsageError(`unknown event type "${type}"; the types are:\n  ${TYPES.join("\n  ")}`);
  const body = {
    type,
    ...(o.flags.has("--dry-run") ? {} : { to: o.to }),
    ...(o.broadcaster ? { broadcaster_user_id: Number(o.broadcaster) } : {}),
    ...(o.messageId ? { message_id: o.messageId } : {}),
    ...(o.timestamp ? { timestamp: o.timestamp } : {}),
    ...(Object.keys(o.overrides).length ? { overrides: o.overrides } : {}),
  };
  let response;
  try {
    response = await fetch(`${o.emulator.replace(/\/$/, "")}/_emulator/webhooks`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    console.error(`The emulator is not answering at ${o.emulator}. Start it with: npm start`);
    return 1;
  }
  const answer = await response.json().catch(() => null);
  if (!response.ok || !answer?.headers) {
    console.error(`The emulator refused: ${JSON.stringify(answer?.error ?? answer)}`);
    return 2;
  }
  if (o.flags.has("--json") || o.flags.has("--dry-run")) console.log(JSON.stringify(o.flags.has("--json") ? answer : { headers: answer.headers, body: answer.body }, null, 2));
  if (o.flags.has("--dry-run")) return 0;
  const id = answer.headers["kick-event-message-id"];
  const d = answer.delivered;
  const ok = d && "status" in d && d.status >= 200 && d.status < 300;
  // With --json the output is the JSON alone (for scripts); the exit code still tells.
  if (!o.flags.has("--json")) {
    console.log(d && "status" in d ? `${type} ${id} → ${o.to}: HTTP ${d.status}${ok ? "" : " (not accepted)"}` : `${type} ${id} → ${o.to}: not delivered (${d?.error ?? "no answer"})`);
  }
  return ok ? 0 : 1;
}

async function main(argv) {
  let o;
  try {
    o = parse(argv);
  } catch (error) {
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  const command = o.positional[0];
  if (!command || command === "help" || o.flags.has("--help") || o.flags.has("-h")) return console.log(USAGE), command || o.flags.size ? 0 : 2;
  if (command === "events" || (command === "event" && o.flags.has("--list"))) return console.log(TYPES.join("\n")), 0;
  if (command !== "event") {
    console.error(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await sendEvent(o);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
