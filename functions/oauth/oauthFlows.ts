import { sha256Hex } from "../../shared/crypto";
import { keyRing, type EncryptionEnv } from "../../shared/tokens/encryptionKeys";
import { seal, unseal } from "../../shared/tokens/seal";

/** A connect attempt waiting for Kick's redirect: 10 minutes, one use, one browser. */
export const FLOW_TTL_MS = 10 * 60_000;

export interface PendingFlow {
  verifier: string;
  role: "broadcaster" | "bot";
  scopes: string[];
  redirectUri: string;
  /** A bot's flow: the broadcaster whose page started it, whom the bot will serve. */
  broadcasterId: number | null;
}

export type FlowCheck =
  { ok: true; flow: PendingFlow } | { ok: false; reason: "missing" | "unknown_or_used" | "expired" | "other_browser" };

interface FlowRow {
  browser_hash: string;
  verifier_sealed: string;
  role: "broadcaster" | "bot";
  scopes: string;
  redirect_uri: string;
  expires_at: number;
  broadcaster_id: number | null;
}

export async function startFlow(
  env: EncryptionEnv & { DB: D1Database },
  f: PendingFlow & { state: string; browser: string; now: number },
): Promise<void> {
  const stateHash = await sha256Hex(f.state);
  await env.DB.batch([
    env.DB.prepare("DELETE FROM oauth_flows WHERE expires_at < ?").bind(f.now),
    env.DB.prepare(
      "INSERT INTO oauth_flows (state_hash, browser_hash, verifier_sealed, role, scopes, redirect_uri, expires_at, broadcaster_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ).bind(
      stateHash,
      await sha256Hex(f.browser),
      await seal(await keyRing(env), f.verifier, `oauth-flow:${stateHash}`),
      f.role,
      f.scopes.join(" "),
      f.redirectUri,
      f.now + FLOW_TTL_MS,
      f.broadcasterId,
    ),
  ]);
}

/**
 * Spends the flow named by `state` (a DELETE … RETURNING, so two callbacks with one state
 * cannot both pass), then checks it is fresh and from this browser.
 */
export async function finishFlow(
  env: EncryptionEnv & { DB: D1Database },
  state: string | null,
  browser: string | undefined,
  now: number,
): Promise<FlowCheck> {
  if (!state) return { ok: false, reason: "missing" };
  const stateHash = await sha256Hex(state);
  const row = await env.DB.prepare("DELETE FROM oauth_flows WHERE state_hash = ? RETURNING *")
    .bind(stateHash)
    .first<FlowRow>();
  if (!row) return { ok: false, reason: "unknown_or_used" };
  if (row.expires_at < now) return { ok: false, reason: "expired" };
  if (!browser || (await sha256Hex(browser)) !== row.browser_hash) return { ok: false, reason: "other_browser" };
  return {
    ok: true,
    flow: {
      verifier: await unseal(await keyRing(env), row.verifier_sealed, `oauth-flow:${stateHash}`),
      role: row.role,
      scopes: row.scopes.split(" ").filter(Boolean),
      redirectUri: row.redirect_uri,
      broadcasterId: row.broadcaster_id,
    },
  };
}

/** Pending flows whose verifier is sealed under an older key (they expire within FLOW_TTL_MS; /status counts them). */
export async function countFlowsOnOldKeys(db: D1Database, current: string): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM oauth_flows WHERE verifier_sealed NOT LIKE ?")
    .bind(current)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
