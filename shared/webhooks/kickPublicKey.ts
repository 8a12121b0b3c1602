import type { KickConfig } from "../kick/index";
import { importKickPublicKey } from "./importKickPublicKey";
import { KICK_DOCS_PUBLIC_KEY } from "./kickDocsPublicKey";

const KV_KEY = "webhooks:kick-public-key";
const KV_TTL_SECONDS = 86_400;
/** How long an isolate trusts its copy before asking KV again. */
const MEMORY_MS = 3_600_000;
/** A failed signature may mean Kick rotated its key: refetch, but not more often than this. */
const REFETCH_AFTER_MS = 60_000;
/** After a failed fetch the documented key stands in; try Kick again after this. */
const FALLBACK_MS = 300_000;
const FETCH_TIMEOUT_MS = 3_000;

export interface KickKey {
  key: CryptoKey;
  source: "kick" | "cache" | "docs";
}

let memo: { key: KickKey; at: number; ttl: number } | undefined;

/**
 * Kick's webhook public key: from this isolate's memory, else KV (a day), else
 * `/public/v1/public-key` (no auth); the key printed in Kick's docs when Kick cannot be
 * reached. `fresh` skips the caches (after a signature failure), at most once a minute.
 */
export async function kickPublicKey(
  env: { TOKENS: KVNamespace },
  config: KickConfig,
  now: number,
  fresh = false,
): Promise<KickKey> {
  const age = memo ? now - memo.at : Infinity;
  if (memo && age < memo.ttl && !(fresh && age >= REFETCH_AFTER_MS)) return memo.key;
  if (!fresh) {
    const cached = await env.TOKENS.get(KV_KEY);
    if (cached) return remember({ key: await importKickPublicKey(cached), source: "cache" }, now, MEMORY_MS);
  }
  try {
    // Kick is waiting on this answer: one short try, no retries (the docs' key stands in).
    const response = await fetch(`${config.apiBase}/public/v1/public-key`, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      headers: { accept: "application/json" },
    });
    const publicKey = response.ok
      ? ((await response.json()) as { data?: { public_key?: string } }).data?.public_key
      : undefined;
    if (!publicKey) throw new Error(`public key answer ${response.status}`);
    const key = await importKickPublicKey(publicKey);
    // Written only when it changed: forged deliveries (which cause refetches) cost no KV writes.
    if ((await env.TOKENS.get(KV_KEY)) !== publicKey)
      await env.TOKENS.put(KV_KEY, publicKey, { expirationTtl: KV_TTL_SECONDS });
    return remember({ key, source: "kick" }, now, MEMORY_MS);
  } catch (error) {
    console.warn(JSON.stringify({ event: "kick_public_key_fallback", name: (error as Error).name }));
    return remember({ key: await importKickPublicKey(KICK_DOCS_PUBLIC_KEY), source: "docs" }, now, FALLBACK_MS);
  }
}

function remember(key: KickKey, at: number, ttl: number): KickKey {
  memo = { key, at, ttl };
  return key;
}

/** Tests start each case from nothing. */
export const forgetKickPublicKey = () => (memo = undefined);
