/**
 * Deterministic counts of what the Worker under bench does, beside its times: the Worker runs in
 * this isolate (vitest-pool-workers' SELF), so wrapping the bindings' prototypes here sees every
 * D1 statement, KV operation and rate-limiter call it makes; Kick calls are the emulator's own
 * count of the Kick requests it served (its control API is not counted). Counts do not vary
 * with a noisy machine; times do. Nothing here ships: the bundles are built without it.
 */
export interface Counts {
  /** D1 round trips: a statement run on its own, or one `batch` (however many statements it holds). */
  d1: number;
  kv: number;
  limiter: number;
  kick: number;
}

const counts: Counts = { d1: 0, kv: 0, limiter: 0, kick: 0 };
let installed = false;
const wrapped = new Set<object>();

function wrap(proto: object, names: string[], key: keyof Counts) {
  // Two bindings of one kind share a prototype: wrapped twice, each call would count twice.
  if (wrapped.has(proto)) return;
  wrapped.add(proto);
  for (const name of names) {
    const original = (proto as Record<string, unknown>)[name];
    if (typeof original !== "function") continue;
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...args: unknown[]) {
        counts[key]++;
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      },
    });
  }
}

/** Starts counting (once per isolate); `await take()` then answers the counts since the last take. */
export async function counting(bindings: { DB: D1Database; TOKENS?: KVNamespace; limiters?: RateLimit[] }) {
  if (!installed) {
    installed = true;
    const statement = bindings.DB.prepare("SELECT 1");
    wrap(Object.getPrototypeOf(statement), ["first", "run", "all", "raw"], "d1");
    wrap(Object.getPrototypeOf(bindings.DB), ["batch", "exec"], "d1");
    if (bindings.TOKENS)
      wrap(Object.getPrototypeOf(bindings.TOKENS), ["get", "getWithMetadata", "put", "delete", "list"], "kv");
    for (const limiter of bindings.limiters ?? []) wrap(Object.getPrototypeOf(limiter), ["limit"], "limiter");
  }
  let kickSeen = 0;
  /** The counts since the last take, each divided by `per`. */
  const take = async (per = 1): Promise<Counts> => {
    const served = await kickServed();
    counts.kick = served - kickSeen;
    kickSeen = served;
    const out = Object.fromEntries(
      Object.entries(counts).map(([k, v]) => [k, Number((v / per).toFixed(3))]),
    ) as unknown as Counts;
    for (const k of Object.keys(counts) as (keyof Counts)[]) counts[k] = 0;
    return out;
  };
  await take();
  return take;
}

/** Every Kick request the emulator has served. */
async function kickServed(): Promise<number> {
  const response = await fetch("http://kick.test/_emulator/requests/count");
  return (await response.json<{ total: number }>()).total;
}
