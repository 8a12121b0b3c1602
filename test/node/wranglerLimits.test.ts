import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";

// The rate limits in wrangler.toml, read as wrangler reads them: the code leans on how they
// relate, so an edit that breaks the relation fails here rather than in production.

interface Limit {
  name: string;
  namespace_id: string;
  simple: { limit: number; period: number };
}
const config = parse(readFileSync("wrangler.toml", "utf8")) as { env: Record<string, { ratelimits?: Limit[] }> };
const limits = Object.entries(config.env).flatMap(([worker, section]) =>
  (section.ratelimits ?? []).map((l) => ({ worker, ...l })),
);
const named = (name: string) => limits.filter((l) => l.name === name);

describe("wrangler.toml's rate limits", () => {
  it("give each limiter one namespace and one limit in every Worker that binds it", () => {
    for (const name of ["KEY_LIMITER", "CHAT_LIMITER"]) {
      const bound = named(name);
      expect(bound.length, name).toBeGreaterThan(0);
      expect(new Set(bound.map((l) => `${l.namespace_id} ${l.simple.limit}/${l.simple.period}`)).size, name).toBe(1);
    }
  });

  it("hold the channel's chat cap under a key's budget, so a chat post's one limiter bounds a key as well", () => {
    // handleAction lets an action `limitedBy: "chat_cap"` skip the key's limiter (Action.ts).
    const [chat] = named("CHAT_LIMITER");
    const [key] = named("KEY_LIMITER");
    expect(chat!.simple.period).toBe(key!.simple.period);
    expect(chat!.simple.limit).toBeLessThanOrEqual(key!.simple.limit);
  });
});
