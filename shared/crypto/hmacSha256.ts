import { base64url } from "../encoding/base64url";

/** base64url HMAC-SHA256 of `message` under `secret`, with a purpose label so one secret signs many things safely. */
export async function hmacSha256(secret: string, purpose: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(`${purpose}\u0000${secret}`),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return base64url(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
}
