import type { Account } from "../storage/accountsStore";
import { kickClient, type ClientOf, type KickClient, type KickConfig, type KickEnv } from "../kick/index";
import type { EndpointTable } from "../kick/endpoints";
import { accountTokens, newerThroughRefresher, type RefresherBinding } from "../tokens/accountTokens";
import { kickConfigOf } from "../settings";
import type { TokenStoreEnv } from "../storage/tokenStore";

/** What code that talks to Kick for an account needs: a trigger call, a cron run or a webhook alike. */
/** What a Worker needs to call Kick as an account: the token store, Kick's settings, the refresh Worker, and the chat cap. */
export type KickContextEnv = TokenStoreEnv & KickEnv & { REFRESHER: RefresherBinding; CHAT_LIMITER: RateLimit };

export interface KickContext {
  env: KickContextEnv;
  account: Account;
  /** Kick as the account, refreshing through the coordinated path on expiry or 401. */
  kick: KickClient<"sendChat" | "getUsersLivestreams" | "getKicksLeaderboard">;
  config: KickConfig;
  now: number;
}

/**
 * The one way to get Kick as an account: its client over `endpoints` (a Worker passes the
 * groups it calls, so it bundles only those), with tokens refreshed by the refresh Worker when
 * due, and the Worker's Kick settings parsed once.
 */
export function kickContextFor<T extends EndpointTable>(
  env: KickContextEnv,
  account: Account,
  now: number,
  endpoints: T,
): Omit<KickContext, "kick"> & { kick: ClientOf<T> } {
  const config = kickConfigOf(env);
  return {
    env,
    account,
    now,
    config,
    kick: kickClient(endpoints, config, accountTokens(env, account.id, newerThroughRefresher(env))),
  };
}
