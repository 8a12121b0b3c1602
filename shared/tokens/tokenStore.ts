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
  /** Bumped on every write; the refresh design fences writes with it. */
  version: number;
}

export interface TokenStoreEnv extends EncryptionEnv {
  TOKENS: KVNamespace;
}

const kvKey = (accountId: number) => `token:${accountId}`;
const context = (accountId: number) => `kick-account:${accountId}`;

/**
 * The one place token records are read and written. Every other module goes through here,
 * never through KV, so nothing stores or reads a token in the clear.
 */
export async function readTokenRecord(env: TokenStoreEnv, accountId: number): Promise<TokenRecord | null> {
  const sealed = await env.TOKENS.get(kvKey(accountId));
  if (sealed === null) return null;
  const record = JSON.parse(await unseal(await keyRing(env), sealed, context(accountId))) as TokenRecord;
  return record.accountId === accountId ? record : null;
}

export async function writeTokenRecord(env: TokenStoreEnv, record: TokenRecord): Promise<void> {
  const sealed = await seal(await keyRing(env), JSON.stringify(record), context(record.accountId));
  await env.TOKENS.put(kvKey(record.accountId), sealed);
}

export async function deleteTokenRecord(env: TokenStoreEnv, accountId: number): Promise<void> {
  await env.TOKENS.delete(kvKey(accountId));
}
