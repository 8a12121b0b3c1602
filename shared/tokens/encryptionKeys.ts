import { base64ToBytes } from "../encoding";
import { sha256Hex } from "../crypto";

/** Sealed data that cannot be opened: unknown key id, wrong account, tampering, or a bad key setting. */
export class SealError extends Error {
  override name = "SealError";
  readonly code = "sealed_data_unreadable";
}

export interface EncryptionKey {
  /** First 8 hex of SHA-256 of the key bytes: names the key in every record without revealing it. */
  id: string;
  key: CryptoKey;
}

export interface KeyRing {
  current: EncryptionKey;
  byId: Map<string, EncryptionKey>;
}

export interface EncryptionEnv {
  TOKEN_ENCRYPTION_KEY?: string;
  /** Earlier keys (comma-separated), still readable after a rotation; records move to the current key on their next write. */
  TOKEN_ENCRYPTION_KEYS_OLD?: string;
}

async function importKey(base64: string): Promise<EncryptionKey> {
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(base64.trim());
  } catch {
    throw new SealError("TOKEN_ENCRYPTION_KEY is not base64");
  }
  if (bytes.byteLength !== 32) throw new SealError("TOKEN_ENCRYPTION_KEY must be 32 bytes (256 bits), base64-encoded");
  const id = (await sha256Hex(String.fromCharCode(...bytes))).slice(0, 8);
  return { id, key: await crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]) };
}

const cache = new Map<string, Promise<KeyRing>>();

/** The key ring from the Worker's secrets, imported once per isolate. */
export function keyRing(env: EncryptionEnv): Promise<KeyRing> {
  const current = env.TOKEN_ENCRYPTION_KEY;
  if (!current) return Promise.reject(new SealError("TOKEN_ENCRYPTION_KEY is not set"));
  const spec = `${current}|${env.TOKEN_ENCRYPTION_KEYS_OLD ?? ""}`;
  let ring = cache.get(spec);
  if (!ring) {
    ring = (async () => {
      const keys = await Promise.all(
        [current, ...(env.TOKEN_ENCRYPTION_KEYS_OLD ?? "").split(",").filter((k) => k.trim())].map(importKey),
      );
      return { current: keys[0]!, byId: new Map(keys.map((k) => [k.id, k])) };
    })();
    ring.catch(() => cache.delete(spec));
    cache.set(spec, ring);
  }
  return ring;
}
