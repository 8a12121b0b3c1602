import type { KickConfig, TokenSource } from "../kick/index";
import { randomToken } from "../encoding";
import { readAuthoritativeTokenRecord, type TokenRecord, type TokenStoreEnv } from "../storage/tokenStore";
import { NeedsReconnectError, NotConnectedError, TokenUnavailableError } from "./errors";
import { refreshAccount, refreshActivity } from "./refreshAccount";
import { recordRefreshes } from "../storage/activityStore";
import { logError } from "../log";
import { REFRESH_POLICY } from "./refreshPolicy";
import { accountTokens, getTokenRecord as getRecord } from "../tokens/accountTokens";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A live token record for the account, refreshing here when it is due (the refresh Worker's own path). */
export const getTokenRecord = (env: TokenStoreEnv, accountId: number, config: KickConfig, now = Date.now()) =>
  getRecord(env, accountId, (id, seen) => refreshNewerThan(env, id, seen, config), now);

/**
 * A record newer than `seenVersion` (the one that expired, or that Kick answered 401 to).
 * Takes the lease and refreshes, or waits for whoever holds it; a stale KV copy is noticed
 * by its version and replaced by D1's newer record without a second refresh.
 */
export async function refreshNewerThan(
  env: TokenStoreEnv,
  accountId: number,
  seenVersion: number,
  config: KickConfig,
): Promise<TokenRecord> {
  const owner = `trigger:${randomToken(9)}`;
  const deadline = Date.now() + REFRESH_POLICY.waitForOthersMs;
  let polls = 0;
  for (;;) {
    const now = Date.now();
    const outcome = await refreshAccount(env, {
      accountId,
      owner,
      config,
      now,
      mode: { kind: "trigger", seenVersion },
    });
    const activity = refreshActivity(accountId, "on_demand", outcome, now);
    // The activity page's row must never cost the caller its token.
    if (activity) await recordRefreshes(env.DB, [activity]).catch((error) => logError("activity_not_recorded", error));
    switch (outcome.kind) {
      case "refreshed":
      case "recovered":
        return outcome.record;
      case "dead":
        throw new NeedsReconnectError(accountId, outcome.reason);
      case "missing":
        throw new NotConnectedError(accountId);
      case "transient":
        throw new TokenUnavailableError(
          accountId,
          `Kick could not refresh the token right now (${outcome.error})`,
          outcome.retryAt - now,
        );
      case "backing_off":
        throw new TokenUnavailableError(
          accountId,
          "Kick refused a refresh of this account lately; waiting before the next try",
          outcome.retryAt - now,
        );
    }
    // Leased by someone else: their result will show up in D1 as a newer version. Poll less
    // and less often, so a long wait stays within an invocation's D1 query limit.
    if (Date.now() > deadline)
      throw new TokenUnavailableError(
        accountId,
        "another refresh of this account did not finish in time",
        REFRESH_POLICY.pollMs,
      );
    await sleep(Math.min(2_000, REFRESH_POLICY.pollMs * 2 ** polls++));
    const newest = await readAuthoritativeTokenRecord(env, accountId);
    if (newest && newest.version > seenVersion && newest.expiresAt - Date.now() > REFRESH_POLICY.triggerSkewMs)
      return newest;
  }
}

/** The Kick client's token source for an account, refreshing here (the refresh Worker's own path). */
export const accountTokenSource = (env: TokenStoreEnv, accountId: number, config: KickConfig): TokenSource =>
  accountTokens(env, accountId, (id, seen) => refreshNewerThan(env, id, seen, config));
