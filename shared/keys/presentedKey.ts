/**
 * The automation key a caller sent: `Authorization: Bearer`, `X-Api-Key`, or `?key=` (IFTTT and
 * Stream Deck's plain URL button cannot set headers).
 */
export function presentedKey(request: Request): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  return bearer?.[1] ?? request.headers.get("x-api-key") ?? new URL(request.url).searchParams.get("key");
}
