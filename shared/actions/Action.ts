import type * as z from "zod/mini";
import type { Account, AutomationKeyInfo } from "../storage/accountsStore";
import type { Capability } from "../capabilities";

/** What every action gets: the caller's input, the key's account, the Worker's bindings. */
export type ActionContext<I, Env, Extra = object> = {
  env: Env;
  input: I;
  account: Account;
  key: AutomationKeyInfo;
  params: Record<string, string>;
  now: number;
} & Extra;

/**
 * One trigger endpoint, as data: where it answers, what a key needs to call it, what input it
 * takes (the schema both validates and documents it), and what it does. `Env` and `Extra` are
 * the Worker's: the automations Worker adds Kick as the account, the rules Worker adds nothing.
 */
export interface ActionSpec<S extends z.ZodMiniType, R, Env = unknown, Extra = object> {
  name: string;
  summary: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  /** null: any valid key may call it (who am I, live status). */
  capability: Capability | null;
  input: S;
  /** Changes something: honours Idempotency-Key, and a GET reaches it only when `allowGet`. */
  mutating: boolean;
  /** A Stream Deck "open URL" button can only GET: let it fire this action. */
  allowGet?: boolean;
  /**
   * "chat_cap": every Kick call it makes is a post into the channel's chat, which first takes
   * one of the channel's chat posts for the minute (CHAT_LIMITER), a stricter bound than the
   * key's own budget (KEY_LIMITER; wrangler.toml keeps it so: test/node/wranglerLimits.test.ts).
   * Such a call takes that one limiter before Kick rather than both, unless it brings an
   * Idempotency-Key (a D1 write before Kick, which the key's budget bounds).
   */
  limitedBy?: "chat_cap";
  run(ctx: ActionContext<z.output<S>, Env, Extra>): Promise<R>;
  /** The one-line answer for `?format=text` (chat bots print it). */
  text?(data: R): string;
  /** The answer as CSV for `?format=csv` (spreadsheets). */
  csv?(data: R): string;
}

/** An action with its types erased, as the router and the OpenAPI document see it. */
export type Action = ActionSpec<z.ZodMiniType, unknown, never, never>;

/** A Worker's `defineAction`: checks each action against that Worker's context, then erases it. */
export const actionsFor =
  <Env, Extra = object>() =>
  <S extends z.ZodMiniType, R>(spec: ActionSpec<S, R, Env, Extra>): Action =>
    spec as unknown as Action;

/**
 * The paths the rules Worker answers (announce rule, timers, event replies, relays, deliveries).
 * The automations Worker hands any request under them that it does not answer itself to the
 * rules Worker, so callers keep one base URL.
 */
export const RULES_PATHS = ["/v1/announce/rule", "/v1/timers", "/v1/events/"] as const;

export const isRulesPath = (path: string) =>
  RULES_PATHS.some((p) => path === p || path.startsWith(p.endsWith("/") ? p : `${p}/`));
