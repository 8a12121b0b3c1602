/** The one script on our pages: the Copy button. Pages work without it (the key is selectable). */
export const COPY_SCRIPT = `document.getElementById("copy")?.addEventListener("click",()=>{const k=document.getElementById("key");k.select();navigator.clipboard?.writeText(k.value).catch(()=>{});document.getElementById("copy").textContent="Copied"});`;

let hash: Promise<string> | undefined;

/** base64 SHA-256 of the script, for the CSP's script-src. */
export function copyScriptHash(): Promise<string> {
  hash ??= crypto.subtle
    .digest("SHA-256", new TextEncoder().encode(COPY_SCRIPT))
    .then((d) => btoa(String.fromCharCode(...new Uint8Array(d))));
  return hash;
}
