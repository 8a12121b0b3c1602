import { keyRing, type EncryptionEnv } from "./encryptionKeys";
import { seal, unseal } from "./seal";

/** What is kept for one connected Kick account. Only ever stored sealed. */
export interface TokenRecord {
  accountId: number;
  accessToken: string;
  refreshToken: string;
  /** ms since epoch when the access token expires. */
  expiresAt: number;
  scopes: string[];
  /** ms since epoch when these tokens were obtained. */
  obtainedAt: number;
  /** Bumped on every write; D1 fences writes with it, so a stale writer cannot win. */
  version: number;
}

export interface TokenStoreEnv extends EncryptionEnv {
  TOKENS: KVNamespace;
  DB: D1Database;
}

const kvKey = (accountId: number) => `token:${accountId}`;
const context = (accountId: number) => `kick-account:${accountId}`;

/** Opens a sealed record read elsewhere (e.g. returned by the refresh lease's UPDATE … RETURNING). */
export async function openSealedRecord(
  env: TokenStoreEnv,
  accountId: number,
  sealed: string,
): Promise<TokenRecord | null> {
  const record = JSON.parse(await unseal(await keyRing(env), sealed, context(accountId))) as TokenRecord;
  return record.accountId === accountId ? record : null;
}

/**
 * The one place token records are read and written; no other module touches TOKENS or
 * token_records. Reads come from KV (fast, may be up to ~60 s stale elsewhere); D1 holds the
 * authoritative copy and decides every write.
 */
export async function readTokenRecord(env: TokenStoreEnv, accountId: number): Promise<TokenRecord | null> {
  const sealed = await env.TOKENS.get(kvKey(accountId));
  return sealed === null ? readAuthoritativeTokenRecord(env, accountId) : openSealedRecord(env, accountId, sealed);
}

/** The newest record, from D1: what a reader falls back to when KV may be stale. */
export async function readAuthoritativeTokenRecord(env: TokenStoreEnv, accountId: number): Promise<TokenRecord | null> {
  const row = await env.DB.prepare("SELECT sealed FROM token_records WHERE account_id = ?")
    .bind(accountId)
    .first<{ sealed: string }>();
  return row ? openSealedRecord(env, accountId, row.sealed) : null;
}

/** Seals a record for D1 and KV (callers that batch it with other D1 writes use this). */
export async function sealTokenRecord(env: TokenStoreEnv, record: TokenRecord): Promise<string> {
  return seal(await keyRing(env), JSON.stringify(record), context(record.accountId));
}

/** After D1 accepted `sealed`, the KV cache gets the same bytes. */
export async function cacheSealedRecord(env: TokenStoreEnv, accountId: number, sealed: string): Promise<void> {
  await env.TOKENS.put(kvKey(accountId), sealed);
}

/**
 * A fresh connection's tokens: replaces whatever was stored. Its version is the time (refreshes
 * then count up from it), so a reconnect after a disconnect never reuses a number some
 * isolate still remembers.
 */
export async function storeNewTokens(env: TokenStoreEnv, record: Omit<TokenRecord, "version">): Promise<TokenRecord> {
  const current = await env.DB.prepare("SELECT version FROM token_records WHERE account_id = ?")
    .bind(record.accountId)
    .first<{ version: number }>();
  const full = { ...record, version: Math.max((current?.version ?? 0) + 1, record.obtainedAt) };
  const sealed = await sealTokenRecord(env, full);
  await env.DB.prepare(
    `INSERT INTO token_records (account_id, version, sealed, expires_at) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (account_id) DO UPDATE SET version = ?2, sealed = ?3, expires_at = ?4, lease_owner = NULL, lease_until = NULL, failures = 0, next_attempt_at = NULL, uncertain = 0`,
  )
    .bind(full.accountId, full.version, sealed, full.expiresAt)
    .run();
  await cacheSealedRecord(env, full.accountId, sealed);
  return full;
}

export async function deleteTokenRecord(env: TokenStoreEnv, accountId: number): Promise<void> {
  await env.DB.prepare("DELETE FROM token_records WHERE account_id = ?").bind(accountId).run();
  await env.TOKENS.delete(kvKey(accountId));
}
