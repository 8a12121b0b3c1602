import { accounts } from "../../shared/storage/accountsStore";
import { storeNewTokens, type TokenStoreEnv } from "../../shared/storage/tokenStore";
import { kickControl } from "./browser";

const USERNAMES: Record<number, string> = {
  1001: "demo_streamer",
  1002: "demo_bot",
  2001: "viewer_alice",
  2002: "viewer_bob",
  2003: "viewer_carol",
  2004: "viewer_dave",
  3001: "other_streamer",
};

/**
 * An account connected as the OAuth Worker connects it, with real emulator tokens, and our
 * record saying they expire `expiresInMs` from now (negative: already expired). With `serves`,
 * a bot account linked to that broadcaster, as connecting it from the broadcaster's page does.
 */
export async function connectedAccount(
  env: TokenStoreEnv,
  userId: number,
  expiresInMs: number,
  { serves }: { serves?: number } = {},
) {
  const tokens = await kickControl<{ access_token: string; refresh_token: string; scope: string }>("POST", "/tokens", {
    user_id: userId,
  });
  const now = Date.now();
  const scopes = tokens.scope.split(" ");
  await accounts.connect(env.DB, {
    id: userId,
    username: USERNAMES[userId] ?? `user${userId}`,
    role: serves === undefined ? "broadcaster" : "bot",
    scopes,
    tokenExpiresAt: now + expiresInMs,
    now,
    serves,
  });
  return storeNewTokens(env, {
    accountId: userId,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: now + expiresInMs,
    scopes,
    obtainedAt: now,
  });
}

/** Token-endpoint calls the emulator saw, per user, for one grant type. */
export async function grantsByUser(grant = "refresh_token") {
  const calls = await kickControl<{ grant: string; user_id: number | null; status: number }[]>("GET", "/grants");
  const byUser = new Map<number, number[]>();
  for (const c of calls)
    if (c.grant === grant && c.user_id !== null) byUser.set(c.user_id, [...(byUser.get(c.user_id) ?? []), c.status]);
  return byUser;
}
