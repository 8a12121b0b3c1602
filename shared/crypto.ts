import { base64url } from "./encoding";

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

/** Hex SHA-256 of a string: how secrets are stored and looked up without being kept. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares two secrets (or their hashes) in constant time for equal lengths. */
export function timingSafeEqualText(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  // Compare against itself on a length mismatch so the time does not say which part differed.
  if (left.byteLength !== right.byteLength) return !crypto.subtle.timingSafeEqual(left, left);
  return crypto.subtle.timingSafeEqual(left, right);
}
