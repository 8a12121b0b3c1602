/** The request's cookies by name. */
export function readCookies(request: Request): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0) cookies.set(part.slice(0, at).trim(), decodeURIComponent(part.slice(at + 1).trim()));
  }
  return cookies;
}

export interface CookieOptions {
  maxAge: number;
  /** Secure (and the `__Host-` name prefix) need https; plain-http loopback dev goes without. */
  secure: boolean;
}

/**
 * An HttpOnly, SameSite=Lax, Path=/ cookie. Lax (not Strict) because Kick's redirect back
 * to /callback is a cross-site navigation that must still carry the browser binding.
 */
export function setCookie(name: string, value: string, { maxAge, secure }: CookieOptions): string {
  return [
    `${cookieName(name, secure)}=${encodeURIComponent(value)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
    secure ? "Secure" : "",
  ]
    .filter(Boolean)
    .join("; ");
}

export const cookieName = (name: string, secure: boolean) => (secure ? `__Host-${name}` : name);

export const isSecureRequest = (request: Request) => new URL(request.url).protocol === "https:";
