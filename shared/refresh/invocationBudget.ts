/** The Free plan's per-invocation limits (docs/architecture.md, "Platform limits"). */
export const FREE_PLAN_LIMITS = { subrequests: 50, kvOps: 1000, d1Queries: 50 } as const;

export type Usage = { subrequests: number; kvOps: number; d1Queries: number };

/**
 * Counts what an invocation spends (external fetches, KV operations, D1 statements), so a
 * run takes on only as many accounts as the plan allows and reports what it used.
 */
export class InvocationBudget {
  readonly used: Usage = { subrequests: 0, kvOps: 0, d1Queries: 0 };
  constructor(readonly limits: Usage = FREE_PLAN_LIMITS) {}

  /** How many units of `cost` fit in what is left, after setting `reserve` aside. */
  fits(cost: Usage, reserve: Usage = { subrequests: 0, kvOps: 0, d1Queries: 0 }): number {
    const keys = Object.keys(cost) as (keyof Usage)[];
    return Math.max(
      0,
      Math.min(
        ...keys.map((k) =>
          cost[k] === 0 ? Infinity : Math.floor((this.limits[k] - this.used[k] - reserve[k]) / cost[k]),
        ),
      ),
    );
  }

  /** The env with DB and TOKENS counted, and a fetch that counts. */
  meter<E extends { DB: D1Database; TOKENS: KVNamespace }>(env: E): E {
    return { ...env, DB: countD1(env.DB, this.used), TOKENS: countKv(env.TOKENS, this.used) };
  }

  meterFetch(fetcher: (request: Request) => Promise<Response> = (r) => fetch(r)) {
    return (request: Request) => {
      this.used.subrequests++;
      return fetcher(request);
    };
  }
}

function countD1(db: D1Database, used: Usage): D1Database {
  const statement = (s: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(s, {
      get(target, prop) {
        if (prop === RAW) return target;
        const value = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        if (prop === "bind") return (...args: unknown[]) => statement(value.apply(target, args));
        if (prop === "run" || prop === "first" || prop === "all" || prop === "raw") {
          return (...args: unknown[]) => {
            used.d1Queries++;
            return value.apply(target, args);
          };
        }
        return value.bind(target);
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === "prepare") return (sql: string) => statement(target.prepare(sql));
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          used.d1Queries += statements.length;
          return target.batch(statements.map(unwrapStatement));
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** D1's batch wants its own statement objects, not our proxies around them. */
const RAW = Symbol("raw statement");
function unwrapStatement(s: D1PreparedStatement): D1PreparedStatement {
  return (s as unknown as { [RAW]?: D1PreparedStatement })[RAW] ?? s;
}

function countKv(kv: KVNamespace, used: Usage): KVNamespace {
  return new Proxy(kv, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        used.kvOps++;
        return value.apply(target, args);
      };
    },
  });
}
