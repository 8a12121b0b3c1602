import { TtlCache } from "../cache/ttlCache";
import { verifyAutomationKey, type Account } from "../storage/accountsStore";
import { parseAutomationKey, presentedKey } from "../keys/automationKey";
import { clientOf } from "../http/request";
import { checkInput } from "../validation/checkInput";
import type { Action } from "./Action";
import { claim, idempotencyKeyOf, settle } from "../storage/idempotencyStore";
import { sha256Hex } from "../crypto";
import { readInput } from "./readInput";
import { errorResponse, formatOf, okResponse } from "../http/respond";
import { toTriggerError } from "./toTriggerError";
import { TriggerError } from "../http/TriggerError";
import { recordTriggers, type TriggerActivity } from "../storage/activityStore";

/** The bindings the pipeline itself uses, whichever Worker runs it. */
export interface ActionEnv {
  DB: D1Database;
  KEY_LIMITER: RateLimit;
}

/** What a Worker plugs into the pipeline: its settings' re-connect link, and what its actions get beyond the basics. */
export interface ActionWorker<Env extends ActionEnv> {
  reconnectUrl(env: Env): string;
  extra(env: Env, account: Account, now: number): object;
}

/**
 * Keys verified lately in this isolate, so a burst (a Stream Deck, a busy Zap) costs one D1
 * read, not one per call. A revoked key or a changed account is seen within KEY_CACHE_MS.
 */
const KEY_CACHE_MS = 10_000;
const verified = new TtlCache<NonNullable<Awaited<ReturnType<typeof verifyAutomationKey>>>>();

/** Unknown keys, and per address the count of them, remembered this long in this isolate. */
const MISS_MEMORY_MS = 60_000;
/** Well-formed keys an address may get wrong in a minute before it is answered without a lookup. */
const UNKNOWN_KEYS_PER_ADDRESS = 30;
const unknown = new TtlCache<true>();
const misses = new TtlCache<number>();
const unknownKey = () => new TriggerError(401, "invalid_key", "This automation key is unknown or was revoked.");
/**
 * A key's refusals (and replays) of one kind reach the activity page once a minute per isolate:
 * a runaway button refused before the rate limit must not cost a D1 write per call.
 */
const noted = new TtlCache<number>();
const ROWS_PER_KEY_MINUTE = 10;
/**
 * Trigger calls waiting to reach the activity table: the first of a burst waits FLUSH_MS in
 * waitUntil, then writes everything gathered by then in one statement, so a busy key costs D1
 * one write a second, not one a call, and no call waits for it. An isolate evicted in that
 * second loses its rows: the activity page is a history, not a ledger.
 */
let gathered: TriggerActivity[] = [];
const FLUSH_MS = 1000;

/**
 * Every trigger call, whatever the action: the key, its rate limit and capabilities, the input
 * (nothing reaches Kick when it is invalid), idempotent replays, then the action itself.
 */
export async function handleAction<Env extends ActionEnv>(
  worker: ActionWorker<Env>,
  action: Action,
  request: Request,
  env: Env,
  params: Record<string, string>,
  ctx?: ExecutionContext,
  now = Date.now(),
): Promise<Response> {
  const format = formatOf(request);
  // What the call came to, for the channel's activity page once the key is known.
  let done: [outcome: string, status: number] = ["ok", 200];
  let key: Awaited<ReturnType<typeof verifyAutomationKey>> | undefined;
  const fail = (error: unknown) => {
    const refusal = toTriggerError(error, worker.reconnectUrl(env));
    done = [refusal.code, refusal.status];
    return errorResponse(refusal, format);
  };
  try {
    const presented = presentedKey(request);
    if (!presented)
      throw new TriggerError(
        401,
        "missing_key",
        "Send the automation key as Authorization: Bearer <key>, X-Api-Key: <key>, or ?key=<key>.",
      );
    key = verified.get(presented.key, now);
    if (!key) {
      const client = clientOf(request);
      // Made-up keys cost a D1 read each: a key just found unknown is answered from memory, and
      // an address that keeps sending unknown keys is told to wait (its valid keys too, for a minute).
      if (unknown.get(presented.key, now)) throw unknownKey();
      if ((misses.get(client, now) ?? 0) >= UNKNOWN_KEYS_PER_ADDRESS)
        throw new TriggerError(
          429,
          "too_many_unknown_keys",
          "Too many unknown automation keys from this address; wait a minute. (A Zap or button with a revoked key may be the cause.)",
          undefined,
          { "retry-after": "60" },
        );
      key =
        (await verifyAutomationKey(env.DB, presented.key, now, ctx ? (work) => ctx.waitUntil(work) : undefined)) ??
        undefined;
      if (!key) {
        // A malformed key was refused without a lookup: only well-formed ones count.
        if (parseAutomationKey(presented.key)) {
          unknown.set(presented.key, true, now + MISS_MEMORY_MS);
          misses.set(client, (misses.get(client, now) ?? 0) + 1, now + MISS_MEMORY_MS);
        }
        throw unknownKey();
      }
      // Fixed, not sliding: a key in constant use is still re-checked every KEY_CACHE_MS.
      verified.set(presented.key, key, now + KEY_CACHE_MS);
    }
    if (presented.inUrl && !key.allowUrl)
      throw new TriggerError(
        401,
        "key_not_for_urls",
        "This key may not be sent in the URL (URLs end up in logs and Zap histories). Send it as X-Api-Key or Authorization: Bearer, or make a key for URLs (Stream Deck, IFTTT, OBS, chat bots) on the connect page.",
      );
    const idemKey = action.mutating ? idempotencyKeyOf(request) : null;
    // One limiter before Kick: a chat post's own (the channel's chat cap) stands for the key's.
    if (action.limitedBy !== "chat_cap" || idemKey) {
      const limited = await env.KEY_LIMITER.limit({ key: key.id });
      if (!limited.success)
        throw new TriggerError(
          429,
          "rate_limited",
          "Too many calls with this key; wait a minute.",
          { retry_after_seconds: 60 },
          { "retry-after": "60" },
        );
    }
    if (key.capabilities.includes("overlay") && action.capability !== "overlay") {
      throw new TriggerError(403, "overlay_key", "This is a read-only overlay key: it only shows the OBS overlays.");
    }
    if (action.capability && !key.capabilities.includes(action.capability)) {
      throw new TriggerError(
        403,
        "capability_not_allowed",
        `This key may not ${action.summary.toLowerCase()} (it needs the "${action.capability}" capability). Make a key that may, on the connect page.`,
        { capability: action.capability },
      );
    }
    if (request.method === "GET" && action.mutating && !key.allowGet) {
      throw new TriggerError(
        405,
        "get_not_allowed",
        `Use ${action.method} for this action, or make a key that allows GET (for Stream Deck's open-URL button).`,
        undefined,
        { allow: action.method },
      );
    }
    const checked = checkInput(action.input, await readInput(request, action.input, params));
    if (!checked.ok)
      throw new TriggerError(
        400,
        "invalid_input",
        checked.issues.map((i) => (i.field ? `${i.field}: ${i.reason}` : i.reason)).join("; "),
        checked.issues,
      );
    const { account } = key;

    if (idemKey) {
      const claimed = await claim(env.DB, key.id, idemKey, await fingerprintOf(action, request, checked.data), now);
      if (claimed.kind === "replay") {
        done = ["replay", claimed.response.status];
        return claimed.response;
      }
      if (claimed.kind === "mismatch")
        throw new TriggerError(
          422,
          "idempotency_key_mismatch",
          "This Idempotency-Key was first used for a different request; use a new key for a new request.",
        );
      if (claimed.kind === "in_progress")
        throw new TriggerError(409, "in_progress", "A call with this Idempotency-Key is still running.", undefined, {
          "retry-after": "2",
        });
    }
    let response: Response;
    try {
      const extra = worker.extra(env, account, now);
      const data = await action.run({ ...extra, env, account, now, input: checked.data, key, params } as never);
      response = okResponse(
        data,
        format,
        action.text?.(data as never),
        format === "csv" ? action.csv?.(data as never) : undefined,
        account.username,
      );
    } catch (error) {
      response = fail(error);
    }
    return idemKey ? settle(env.DB, key.id, idemKey, now, response) : response;
  } catch (error) {
    return fail(error);
  } finally {
    // A read that worked (an overlay or a Zap polling) would drown the page: only what acted or
    // failed, and at most ROWS_PER_KEY_MINUTE a key a minute, so the table grows by a bounded
    // amount per key between the hourly sweeps (docs/storage.md).
    const seen = `${key?.id} ${request.method} ${action.path} ${done[0]}`;
    const minute = `${key?.id} ${Math.floor(now / 60_000)}`;
    const written = noted.get(minute, now) ?? 0;
    if (key && ctx && written < ROWS_PER_KEY_MINUTE && (done[0] === "ok" ? action.mutating : !noted.get(seen, now))) {
      noted.set(seen, 1, now + 60_000);
      noted.set(minute, written + 1, now + 60_000);
      // Uncaught like the key's last use: a failed write shows in the Worker's logs (D1's words, never a value).
      if (gathered.push([key.accountId, now, `${request.method} ${action.path}`, key.name, ...done]) === 1)
        ctx.waitUntil(
          scheduler.wait(FLUSH_MS).then(() => {
            const rows = gathered;
            gathered = [];
            return recordTriggers(env.DB, rows);
          }),
        );
    }
  }
}

/** Which request an Idempotency-Key is spent on: the action, its path, and its input in a stable order. */
export async function fingerprintOf(action: Action, request: Request, input: unknown): Promise<string> {
  return sha256Hex(`${action.name}\n${new URL(request.url).pathname}\n${JSON.stringify(input, sorted)}`);
}

/** Each object's keys in order (JSON.stringify walks into what it returns): the same input, the same text. */
const sorted = (_: string, value: unknown): unknown =>
  value && typeof value === "object" && !Array.isArray(value)
    ? Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, (value as Record<string, unknown>)[k]]),
      )
    : value;
