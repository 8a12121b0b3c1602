import { hmacSha256, timingSafeEqualText } from "../../shared/crypto";
import { isSecureRequest, readCookies, setCookie, cookieName } from "../../shared/http/cookies";

const NAME = "kick_edge_admin";
const LIFETIME_S = 12 * 3600;
const PURPOSE = "admin-session";

/**
 * The owner's session: a cookie holding its expiry and an HMAC of it under ADMIN_SECRET.
 * Changing ADMIN_SECRET logs every browser out.
 */
export async function adminCookie(request: Request, secret: string, now: number): Promise<string> {
  const expires = String(now + LIFETIME_S * 1000);
  return setCookie(NAME, `${expires}.${await hmacSha256(secret, PURPOSE, expires)}`, {
    maxAge: LIFETIME_S,
    secure: isSecureRequest(request),
  });
}

export function clearAdminCookie(request: Request): string {
  return setCookie(NAME, "", { maxAge: 0, secure: isSecureRequest(request) });
}

export async function isAdmin(request: Request, secret: string | undefined, now: number): Promise<boolean> {
  if (!secret) return false;
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "");
  if (bearer) return timingSafeEqualText(bearer[1]!.trim(), secret);
  const value = readCookies(request).get(cookieName(NAME, isSecureRequest(request)));
  const [expires, mac] = (value ?? "").split(".");
  if (!expires || !mac || Number(expires) < now) return false;
  return timingSafeEqualText(mac, await hmacSha256(secret, PURPOSE, expires));
}
