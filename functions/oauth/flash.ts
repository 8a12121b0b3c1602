import { isSecureRequest, readCookies } from "../../shared/http/cookies";
import { keyRing } from "../../shared/tokens/encryptionKeys";
import { seal, unseal } from "../../shared/tokens/seal";
import type { Flash } from "../../shared/pages/controlRoom";
import type { OAuthEnv } from "./settings";

const ONCE = "kick_edge_once";

/**
 * Rides in a cookie, never the URL (URLs end up in logs and history): Lax so it survives Kick's
 * cross-site redirect chain, scoped to that account's page, short-lived, and the GET that shows
 * it drops it, so a reload shows the key no more.
 */
const onceCookie = (request: Request, accountId: number, value: string, maxAge: number) =>
  `${ONCE}=${value}; Path=/accounts/${accountId}; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${isSecureRequest(request) ? "; Secure" : ""}`;

/**
 * The cookie that carries `flash` to the account page. Sealed, bound to the account, so a new
 * key's secret never sits in the browser's cookie store in the clear.
 */
export async function flashCookie(request: Request, env: OAuthEnv, accountId: number, flash: Flash) {
  const sealed = await seal(await keyRing(env), JSON.stringify(flash), `once:${accountId}`);
  return onceCookie(request, accountId, sealed, 60);
}

/** The flash this request carries, read once: `drop` is the cookie that deletes it. */
export async function takeFlash(request: Request, env: OAuthEnv, accountId: number) {
  const sealed = readCookies(request).get(ONCE);
  if (!sealed) return { flash: {} as Flash };
  // Tampered, or sealed under a key since rotated away: nothing to show, and it still goes.
  const flash = await unseal(await keyRing(env), sealed, `once:${accountId}`)
    .then((plain) => JSON.parse(plain) as Flash)
    .catch(() => ({}) as Flash);
  return { flash, drop: onceCookie(request, accountId, "", 0) };
}
