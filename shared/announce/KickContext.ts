import type { Account } from "../storage/accountsStore";
import type { KickClient, KickConfig } from "../kick/index";
import type { TokenStoreEnv } from "../storage/tokenStore";

/** What code that talks to Kick for an account needs: a trigger call, a cron run or a webhook alike. */
export interface KickContext {
  env: TokenStoreEnv;
  account: Account;
  /** Kick as the account, refreshing through the coordinated path on expiry or 401. */
  kick: KickClient<"sendChat" | "getUsersLivestreams" | "getKicksLeaderboard">;
  config: KickConfig;
  now: number;
}
