import { keyRing, type EncryptionEnv } from "../../shared/tokens/encryptionKeys";
import { seal } from "../../shared/tokens/seal";
import { relaySecretContext } from "../../shared/webhooks/relayDeliveries";
import { kickControl } from "../helpers/browser";

// Relays as the webhooks Worker finds them in D1, and the emulator's stand-in receivers
// (POST /_emulator/inbox/<name>), which every outbound fetch of the tests reaches.

export interface InboxEntry {
  headers: Record<string, string>;
  body: string;
  answered: number;
}

export const inbox = (name: string) => kickControl<{ total: number; received: InboxEntry[] }>("GET", `/inbox/${name}`);

/** A receiver URL on a public-looking host: the tests' fetches all reach the emulator whatever the host. */
export const inboxUrl = (name: string) => `https://relay.example.net/_emulator/inbox/${name}`;

/**
 * A relay of account 1001 written straight to D1 (as the rules Worker would), signing with
 * `secret`, and during an overlap with `previous` too.
 */
export async function addRelay(
  env: EncryptionEnv & { DB: D1Database },
  name: string,
  options: {
    events?: string[];
    url?: string;
    previous?: { secret: string; until: number };
  } = {},
) {
  const id = `relay-${name}`;
  const secret = `whsec_test_${name}`;
  const ring = await keyRing(env);
  await env.DB.prepare(
    "INSERT INTO relays (id, account_id, name, url, events, secret, previous_secret, previous_secret_until, created_at) VALUES (?, 1001, ?, ?, ?, ?, ?, ?, 0)",
  )
    .bind(
      id,
      name,
      options.url ?? inboxUrl(name),
      JSON.stringify(options.events ?? ["*"]),
      await seal(ring, secret, relaySecretContext(id)),
      options.previous ? await seal(ring, options.previous.secret, relaySecretContext(id)) : null,
      options.previous?.until ?? null,
    )
    .run();
  return { id, secret };
}

/** The parts of X-Kick-Edge-Signature: `t` and every `v1`, in order. */
export function signatureParts(header: string) {
  const parts = header.split(",").map((p) => p.split("=") as [string, string]);
  return { t: parts.find(([k]) => k === "t")![1], v1: parts.filter(([k]) => k === "v1").map(([, v]) => v) };
}

/** Checks one `v1` the way a receiver would, from the documented scheme alone. */
export async function v1Holds(secret: string, t: string, v1: string, body: string) {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const mac = Uint8Array.from(v1.match(/../g)!.map((h) => parseInt(h, 16)));
  return crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(`${t}.${body}`));
}

/** A receiver's check: some `v1` of the header verifies with `secret`. */
export async function signatureHolds(secret: string, header: string, body: string) {
  const { t, v1 } = signatureParts(header);
  for (const mac of v1) if (await v1Holds(secret, t, mac, body)) return true;
  return false;
}
