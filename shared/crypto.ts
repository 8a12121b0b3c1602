import { base64url } from "./encoding";

const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * An HMAC-SHA256 signing key derived with HKDF-SHA256 from `secret`, `salt` and a `purpose`
 * (HKDF's info). What it signs says nothing about `secret` on its own: with a salt the holder of
 * a signature lacks, a guess at `secret` cannot be checked against it offline.
 */
export async function deriveHmacKey(secret: string, salt: Uint8Array, purpose: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", utf8(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt, info: utf8(purpose) },
    material,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
}

/** base64url HMAC of `message` under a key from `deriveHmacKey`. */
export async function hmacBase64url(key: CryptoKey, message: string): Promise<string> {
  return base64url(await crypto.subtle.sign("HMAC", key, utf8(message)));
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
