import type * as z from "zod/mini";
import type { Account, AutomationKeyInfo } from "../../shared/storage/accountsStore";
import type { Capability } from "../../shared/capabilities";
import type { ClientOf, KickConfig } from "../../shared/kick/index";
import type { AUTOMATIONS_ENDPOINTS } from "./kickEndpoints";
import type { AutomationsEnv } from "./settings";

export interface ActionContext<I> {
  env: AutomationsEnv;
  input: I;
  account: Account;
  key: AutomationKeyInfo;
  /** Kick as the key's account, refreshing through the coordinated path on expiry or 401. */
  kick: ClientOf<typeof AUTOMATIONS_ENDPOINTS>;
  config: KickConfig;
  params: Record<string, string>;
  now: number;
}

export type { KickContext } from "../../shared/announce/KickContext";

/**
 * One trigger endpoint, as data: where it answers, what a key needs to call it, what input it
 * takes (the schema both validates and documents it), and what it does.
 */
export interface ActionSpec<S extends z.ZodMiniType, R> {
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
  run(ctx: ActionContext<z.output<S>>): Promise<R>;
  /** The one-line answer for `?format=text` (chat bots print it). */
  text?(data: R): string;
  /** The answer as CSV for `?format=csv` (spreadsheets). */
  csv?(data: R): string;
}

/** An action with its types erased, as the router and the OpenAPI document see it. */
export type Action = ActionSpec<z.ZodMiniType, unknown>;

export const defineAction = <S extends z.ZodMiniType, R>(spec: ActionSpec<S, R>): Action => spec as unknown as Action;
