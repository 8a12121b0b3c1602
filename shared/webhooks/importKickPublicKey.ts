import { base64ToBytes } from "../encoding/base64ToBytes";

/** Kick's webhook key as a WebCrypto key; accepts a PEM or the bare base64 of the SPKI DER. */
export function importKickPublicKey(pem: string): Promise<CryptoKey> {
  const der = base64ToBytes(pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, ""));
  return crypto.subtle.importKey("spki", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
}
