import type { TokenSource } from "../kick/index";
import { TtlCache } from "../cache/ttlCache";
import {
  readAuthoritativeTokenRecord,
  readTokenRecord,
  type TokenRecord,
  type TokenStoreEnv,
} from "../storage/tokenStore";
import { NotConnectedError, refusalOf, TokenUnavailableError, type RefreshAnswer } from "../refresh/errors";
import { REFRESH_POLICY } from "../refresh/refreshPolicy";

/** Gets a token record newer than `seenVersion` (the one that expired, or that Kick answered 401 to). */
export type NewerRecord = (accountId: number, seenVersion: number) => Promise<TokenRecord>;

/** The refresh Worker's RPC entrypoint, as the Workers that call Kick as an account see it. */
export interface RefresherBinding {
  newerThan(accountId: number, seenVersion: number): Promise<RefreshAnswer>;
}

/**
 * A live token record for the account: the stored one while it is good, otherwise a newer one
 * from `newer` (the one coordinated refresh, started or awaited).
 */
export async function getTokenRecord(
  env: TokenStoreEnv,
  accountId: number,
  newer: NewerRecord,
  now = Date.now(),
): Promise<TokenRecord> {
  const record = await readTokenRecord(env, accountId);
  if (!record) throw new NotConnectedError(accountId);
  if (record.expiresAt - now > REFRESH_POLICY.triggerSkewMs) return record;
  return newer(accountId, record.version);
}

/**
 * Newer records through the refresh Worker (a service binding), the one Worker that spends
 * refresh tokens: Kick rotates them, so fewer spenders means fewer ways to lose one. The new
 * record is then read from D1, so no token crosses the binding.
 */
export const newerThroughRefresher =
  (env: TokenStoreEnv & { REFRESHER: RefresherBinding }): NewerRecord =>
  async (accountId, seenVersion) => {
    let answer: RefreshAnswer;
    try {
      answer = await env.REFRESHER.newerThan(accountId, seenVersion);
    } catch {
      throw new TokenUnavailableError(accountId, "the refresh Worker did not answer", REFRESH_POLICY.pollMs);
    }
    if (!answer.ok) throw refusalOf(accountId, answer);
    const record = await readAuthoritativeTokenRecord(env, accountId);
    if (!record) throw new NotConnectedError(accountId);
    return record;
  };

/**
 * The Kick client's token source for an account: the current token, and after a 401 one
 * coordinated refresh past the version Kick refused.
 */
export function accountTokens(env: TokenStoreEnv, accountId: number, newer: NewerRecord): TokenSource {
  const versions = new Map<string, number>();
  const remember = (record: TokenRecord) => {
    versions.set(record.accessToken, record.version);
    // Hot path: the next call in this isolate skips the KV read and the decrypt while the token is good.
    recent.set(String(accountId), record, record.expiresAt - REFRESH_POLICY.triggerSkewMs);
    return record.accessToken;
  };
  return {
    getToken: async () =>
      remember(recent.get(String(accountId), Date.now()) ?? (await getTokenRecord(env, accountId, newer))),
    refresh: async (rejected) => {
      recent.delete(String(accountId));
      return remember(await newer(accountId, versions.get(rejected) ?? 0));
    },
  };
}

/** Records this isolate read lately; a 401 drops the entry and goes through the coordinated refresh. */
const recent = new TtlCache<TokenRecord>();
