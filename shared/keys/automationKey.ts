import { randomToken } from "../encoding";

/**
 * An automation key: `ke_<16 hex id>_<43 char secret>`. The id finds the row; only the
 * secret's SHA-256 is stored. 256 bits of secret, far above the 128 required.
 */
const FORMAT = /^ke_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface AutomationKeyParts {
  id: string;
  secret: string;
}

export function generateAutomationKey(): AutomationKeyParts & { key: string } {
  const id = [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, "0")).join("");
  const secret = randomToken(32);
  return { id, secret, key: `ke_${id}_${secret}` };
}

export function parseAutomationKey(key: string): AutomationKeyParts | null {
  const match = FORMAT.exec(key.trim());
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

/**
 * The automation key a caller sent: `Authorization: Bearer`, `X-Api-Key`, or `?key=` (IFTTT and
 * Stream Deck's plain URL button cannot set headers), and whether it came in the URL.
 */
export function presentedKey(request: Request): { key: string; inUrl: boolean } | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  const header = bearer?.[1] ?? request.headers.get("x-api-key");
  if (header) return { key: header, inUrl: false };
  const query = new URL(request.url).searchParams.get("key");
  return query ? { key: query, inUrl: true } : null;
}
