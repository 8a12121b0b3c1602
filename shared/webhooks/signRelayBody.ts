const encoder = new TextEncoder();
const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * The relay signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
 * (Stripe's scheme, which receivers already know how to check; docs/webhooks.md shows how).
 */
export async function signRelayBody(secret: string, body: string, now: number): Promise<string> {
  const t = Math.floor(now / 1000);
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return `t=${t},v1=${hex(await crypto.subtle.sign("HMAC", key, encoder.encode(`${t}.${body}`)))}`;
}
