import { getAppToken, type KickConfig, type TokenSource } from "../kick/index";
import { keyRing, type EncryptionEnv } from "./encryptionKeys";
import { seal, unseal } from "./seal";
import { cacheSealedAppToken, readSealedAppToken } from "../storage/tokenStore";

const CONTEXT = "kick-app-token";
/** Renew when less than a day (or a tenth of its life) is left: request paths should never meet an expired one. */
const RENEW_BEFORE_MS = 24 * 3600_000;

interface AppToken {
  accessToken: string;
  expiresAt: number;
  obtainedAt: number;
}

/**
 * Kick's app access token (client credentials), for endpoints that need no user: fetched
 * once, cached sealed in KV with its expiry, renewed before it runs out.
 */
export async function getAppAccessToken(
  env: EncryptionEnv & { TOKENS: KVNamespace },
  config: KickConfig,
  now = Date.now(),
  rejected?: string,
): Promise<string> {
  const ring = await keyRing(env);
  const sealed = await readSealedAppToken(env);
  // An entry that cannot be opened (its key left the ring) is simply replaced.
  const cached = sealed
    ? await unseal(ring, sealed, CONTEXT).then(
        (text) => JSON.parse(text) as AppToken,
        () => null,
      )
    : null;
  // A token Kick refused (revoked, or the app's secret rotated) is replaced, whatever its expiry says.
  if (cached && cached.accessToken !== rejected) {
    const renewAt = cached.expiresAt - Math.min(RENEW_BEFORE_MS, (cached.expiresAt - cached.obtainedAt) / 10);
    if (now < renewAt) return cached.accessToken;
  }
  const fresh = await getAppToken(config);
  const token: AppToken = {
    accessToken: fresh.access_token,
    expiresAt: now + fresh.expires_in * 1000,
    obtainedAt: now,
  };
  await cacheSealedAppToken(env, await seal(ring, JSON.stringify(token), CONTEXT));
  return token.accessToken;
}

/** The app token as the Kick client's token source: on a 401 it is replaced once, then retried. */
export const appTokenSource = (
  env: EncryptionEnv & { TOKENS: KVNamespace },
  config: KickConfig,
  now = Date.now(),
): TokenSource => ({
  getToken: () => getAppAccessToken(env, config, now),
  refresh: (rejected) => getAppAccessToken(env, config, now, rejected),
});
