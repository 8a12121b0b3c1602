// Webhook signatures both ways: Kick's RSA signature on what comes in (its key, fetched and
// cached, with the key from Kick's docs as the fallback), and our HMAC on the relays that go out.
import type { KickConfig } from "../kick/index";
import { base64ToBytes } from "../encoding";
import { publicHostProblem } from "./relayTarget";

/** The webhook public key printed in Kick's docs (docs/kick-api.md §3.9): the fallback when /public-key cannot be fetched. */
export const KICK_DOCS_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAq/+l1WnlRrGSolDMA+A8
6rAhMbQGmQ2SapVcGM3zq8ANXjnhDWocMqfWcTd95btDydITa10kDvHzw9WQOqp2
MZI7ZyrfzJuz5nhTPCiJwTwnEtWft7nV14BYRDHvlfqPUaZ+1KR4OCaO/wWIk/rQ
L/TjY0M70gse8rlBkbo2a8rKhu69RQTRsoaf4DVhDPEeSeI5jVrRDGAMGL3cGuyY
6CLKGdjVEM78g3JfYOvDU/RvfqD7L89TZ3iN94jrmWdGz34JNlEI5hqK8dd7C5EF
BEbZ5jgB8s8ReQV8H+MkuffjdAj3ajDDX3DOJMIut1lBrUVD1AaSrGCKHooWoL2e
twIDAQAB
-----END PUBLIC KEY-----`;

/** Kick's webhook key as a WebCrypto key; accepts a PEM or the bare base64 of the SPKI DER. */
export function importKickPublicKey(pem: string): Promise<CryptoKey> {
  const der = base64ToBytes(pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, ""));
  return crypto.subtle.importKey("spki", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
}

const KV_KEY = "webhooks:kick-public-key";
const KV_TTL_SECONDS = 86_400;
/** How long an isolate trusts its copy before looking at KV again (after the answer: revalidate). */
const MEMORY_MS = 3_600_000;
/** A failed signature may mean Kick rotated its key: refetch, but not more often than this. */
const REFETCH_AFTER_MS = 60_000;
/** After a failed fetch the documented key stands in; try Kick again after this. */
const FALLBACK_MS = 300_000;
const FETCH_TIMEOUT_MS = 3_000;

export interface KickKey {
  key: CryptoKey;
  source: "kick" | "cache" | "docs";
}

let memo: { key: KickKey; at: number; ttl: number } | undefined;
/** Looks under way (fresh or not): while one runs, a warm isolate answers with what it has. */
const looking = new Set<boolean>();
/** Imported keys by PEM: a look that finds the key it had imports nothing. */
const imported = new Map<string, Promise<CryptoKey>>();

const importOnce = (pem: string) => {
  let key = imported.get(pem);
  if (!key) imported.set(pem, (key = importKickPublicKey(pem)));
  return key;
};

/**
 * Why Kick's key may not be fetched from `apiBase`, or null. Whoever serves the key decides
 * which deliveries verify, so outside local development it comes only over https from a public
 * host: a base left pointing at the emulator or a mock is refused, and Kick's documented key
 * stands in (genuine deliveries still verify; the mock's do not).
 */
function keySourceProblem(apiBase: string): string | null {
  const url = new URL(apiBase);
  return url.protocol !== "https:" ? "not https" : publicHostProblem(url.hostname);
}

/**
 * Kick's webhook public key: from this isolate's memory, else KV (a day), else
 * `/public/v1/public-key` (no auth); the key printed in Kick's docs when Kick cannot be
 * reached, or may not be asked (keySourceProblem). A warm isolate never waits on KV: once its
 * copy is an hour old it still answers with it, and looks again in `background` (the
 * invocation's waitUntil). `fresh` skips the caches (after a signature failure), at most once
 * a minute, and only one at a time: a burst of forgeries costs one look. (A cold isolate's
 * first burst looks once per delivery: waiting on another request's look is what workerd
 * cancels as hung, pollUntil.ts.)
 */
export async function kickPublicKey(
  env: { TOKENS: KVNamespace },
  config: KickConfig,
  now: number,
  localDevelopment: boolean,
  fresh = false,
  background?: (p: Promise<unknown>) => void,
): Promise<KickKey> {
  const age = memo ? now - memo.at : Infinity;
  if (memo && (fresh ? age < REFETCH_AFTER_MS : age < memo.ttl)) return memo.key;
  if (memo && (looking.has(fresh) || (!fresh && background))) {
    if (!looking.has(fresh)) background!(look(env, config, now, localDevelopment, false).catch(() => {}));
    return memo.key;
  }
  return look(env, config, now, localDevelopment, fresh);
}

async function look(
  env: { TOKENS: KVNamespace },
  config: KickConfig,
  now: number,
  localDevelopment: boolean,
  fresh: boolean,
) {
  looking.add(fresh);
  try {
    return await lookUp(env, config, now, localDevelopment, fresh);
  } finally {
    looking.delete(fresh);
  }
}

async function lookUp(
  env: { TOKENS: KVNamespace },
  config: KickConfig,
  now: number,
  localDevelopment: boolean,
  fresh: boolean,
): Promise<KickKey> {
  if (!fresh) {
    const cached = await env.TOKENS.get(KV_KEY);
    if (cached) return remember({ key: await importOnce(cached), source: "cache" }, now, MEMORY_MS);
  }
  const refused = localDevelopment ? null : keySourceProblem(config.apiBase);
  if (refused) {
    console.error(JSON.stringify({ event: "kick_public_key_refused", reason: refused }));
    return remember({ key: await importOnce(KICK_DOCS_PUBLIC_KEY), source: "docs" }, now, FALLBACK_MS);
  }
  try {
    // Kick is waiting on this answer: one short try, no retries (the docs' key stands in).
    const response = await fetch(`${config.apiBase}/public/v1/public-key`, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      headers: { accept: "application/json" },
    });
    const publicKey = response.ok
      ? ((await response.json()) as { data?: { public_key?: string } }).data?.public_key
      : undefined;
    if (!publicKey) throw new Error(`public key answer ${response.status}`);
    const key = await importOnce(publicKey);
    // Written only when it changed: forged deliveries (which cause refetches) cost no KV writes.
    if ((await env.TOKENS.get(KV_KEY)) !== publicKey)
      await env.TOKENS.put(KV_KEY, publicKey, { expirationTtl: KV_TTL_SECONDS });
    return remember({ key, source: "kick" }, now, MEMORY_MS);
  } catch (error) {
    console.warn(JSON.stringify({ event: "kick_public_key_fallback", name: (error as Error).name }));
    return remember({ key: await importOnce(KICK_DOCS_PUBLIC_KEY), source: "docs" }, now, FALLBACK_MS);
  }
}

function remember(key: KickKey, at: number, ttl: number): KickKey {
  memo = { key, at, ttl };
  return key;
}

/** Tests start each case from nothing. */
export const forgetKickPublicKey = () => (memo = undefined);

/** What Kick signs: `messageId.timestamp.rawBody`, the body exactly as sent. */
export function webhookSignedText(messageId: string, timestamp: string, rawBody: string): Uint8Array {
  return new TextEncoder().encode(`${messageId}.${timestamp}.${rawBody}`);
}

export interface SignedDelivery {
  messageId: string | null;
  timestamp: string | null;
  signature: string | null;
  rawBody: string;
}

/**
 * RSASSA-PKCS1-v1_5 / SHA-256 over `messageId.timestamp.rawBody` (docs/kick-api.md §4.4).
 * False for anything missing or malformed; it never throws on attacker input.
 */
export async function verifyKickSignature(key: CryptoKey, d: SignedDelivery): Promise<boolean> {
  if (!d.messageId || !d.timestamp || !d.signature) return false;
  let signature: Uint8Array;
  try {
    signature = base64ToBytes(d.signature);
  } catch {
    return false;
  }
  return crypto.subtle.verify(
    "RSASSA-PKCS1-v1_5",
    key,
    signature,
    webhookSignedText(d.messageId, d.timestamp, d.rawBody),
  );
}

/** The signature fields of a delivery, read from Kick's headers. */
export function signedDeliveryFrom(headers: Headers, rawBody: string): SignedDelivery {
  return {
    messageId: headers.get("kick-event-message-id"),
    timestamp: headers.get("kick-event-message-timestamp"),
    signature: headers.get("kick-event-signature"),
    rawBody,
  };
}

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * The relay signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`,
 * one `v1` per secret (the new one first during a rotation's overlap): Stripe's scheme, which
 * receivers already know how to check; docs/webhooks.md shows how.
 */
export async function signRelayBody(secrets: readonly string[], body: string, now: number): Promise<string> {
  const t = Math.floor(now / 1000);
  const encoder = new TextEncoder();
  const signatures = secrets.map(async (secret) => {
    const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    return `v1=${hex(await crypto.subtle.sign("HMAC", key, encoder.encode(`${t}.${body}`)))}`;
  });
  return [`t=${t}`, ...(await Promise.all(signatures))].join(",");
}
