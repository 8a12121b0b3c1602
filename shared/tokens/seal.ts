import { base64url, base64ToBytes } from "../encoding";
import { SealError, type KeyRing } from "./encryptionKeys";

const encoder = new TextEncoder();

/**
 * AES-256-GCM with a fresh 96-bit IV per call; `context` (e.g. the account id) is bound as
 * additional data, so a record copied to another account does not open.
 * Format: `v1.<key id>.<iv>.<ciphertext>`, base64url.
 */
export async function seal(ring: KeyRing, plaintext: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
    ring.current.key,
    encoder.encode(plaintext),
  );
  return `v1.${ring.current.id}.${base64url(iv)}.${base64url(ciphertext)}`;
}

export async function unseal(ring: KeyRing, sealed: string, context: string): Promise<string> {
  const [version, keyId, iv, ciphertext] = sealed.split(".");
  if (version !== "v1" || !keyId || !iv || !ciphertext) throw new SealError("sealed data has an unknown format");
  const key = ring.byId.get(keyId);
  if (!key)
    throw new SealError(`sealed with key ${keyId}, which is not configured (add it to TOKEN_ENCRYPTION_KEYS_OLD)`);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: base64ToBytes(iv), additionalData: encoder.encode(context) },
      key.key,
      base64ToBytes(ciphertext),
    );
    return new TextDecoder().decode(plain);
  } catch {
    throw new SealError("sealed data failed authentication (tampered, or sealed for another account)");
  }
}

/** Whether a sealed value was written with an older key and should be re-sealed. */
export function sealedWithOldKey(ring: KeyRing, sealed: string): boolean {
  return sealed.split(".")[1] !== ring.current.id;
}

/** The LIKE pattern of values sealed under the current key: SQL finds the others with NOT LIKE. */
export const sealedUnderCurrentKey = (ring: KeyRing) => `v1.${ring.current.id}.%`;

/** `sealed` opened and sealed again under the current key, or null when it already is. */
export async function resealed(ring: KeyRing, sealed: string, context: string): Promise<string | null> {
  return sealedWithOldKey(ring, sealed) ? seal(ring, await unseal(ring, sealed, context), context) : null;
}
