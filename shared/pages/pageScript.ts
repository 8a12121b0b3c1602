/**
 * The one script on our pages, at the end of every page (the CSP allows it by hash, nothing
 * else). It adds the Copy button, and shows each <time> in the viewer's own time zone, which
 * the server cannot know; the UTC time stays in its title. Without it the pages read the same,
 * in UTC, and the key is still selectable.
 */
export const PAGE_SCRIPT = `document.getElementById("copy")?.addEventListener("click",()=>{const k=document.getElementById("key");k.select();navigator.clipboard?.writeText(k.value).catch(()=>{});document.getElementById("copy").textContent="Copied"});for(const t of document.querySelectorAll("time"))t.textContent=new Date(t.dateTime).toLocaleString([],{dateStyle:"medium",timeStyle:"short"});`;

const hashes = new Map<string, Promise<string>>();

/** base64 SHA-256 of the page's script (PAGE_SCRIPT and what the page added), for the CSP's script-src. */
export function pageScriptHash(added = ""): Promise<string> {
  let hash = hashes.get(added);
  if (!hash) {
    hash = crypto.subtle
      .digest("SHA-256", new TextEncoder().encode(PAGE_SCRIPT + added))
      .then((d) => btoa(String.fromCharCode(...new Uint8Array(d))));
    hashes.set(added, hash);
  }
  return hash;
}
