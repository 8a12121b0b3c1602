import { base64ToBytes } from "../../shared/encoding";
import { webhookSignedText } from "../../shared/webhooks/signatures";
import type { EmulatorState } from "./state";

const ALGORITHM = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

const toBase64 = (buffer: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));

/** The emulator's own RSA-2048 webhook key, made on first use and kept with the state. */
export async function signingKey(state: EmulatorState): Promise<{ pkcs8: string; spki_pem: string }> {
  if (state.signing_key) return state.signing_key;
  const pair = (await crypto.subtle.generateKey(
    { ...ALGORITHM, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const pkcs8 = toBase64((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
  const spki = toBase64((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer);
  const spki_pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----`;
  state.signing_key ??= { pkcs8, spki_pem };
  return state.signing_key;
}

/** Signs a delivery exactly as Kick does: base64(RSASSA-PKCS1-v1_5(SHA-256, id.timestamp.body)). */
export async function signDelivery(
  state: EmulatorState,
  messageId: string,
  timestamp: string,
  rawBody: string,
): Promise<string> {
  const { pkcs8 } = await signingKey(state);
  const key = await crypto.subtle.importKey("pkcs8", base64ToBytes(pkcs8), ALGORITHM, false, ["sign"]);
  return toBase64(await crypto.subtle.sign(ALGORITHM, key, webhookSignedText(messageId, timestamp, rawBody)));
}
