/**
 * Why a relay URL cannot be used, or null when it can: https only, except to the hosts in
 * RELAY_HTTP_HOSTS (local receivers such as Streamer.bot on 127.0.0.1); no credentials in it.
 */
export function relayUrlProblem(raw: string, httpHosts: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an absolute URL, e.g. https://hooks.zapier.com/hooks/catch/…";
  }
  if (url.username || url.password) return "must not carry a user name or password";
  const local = httpHosts
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && local.includes(url.hostname)) return null;
  return `must use https (http only to ${local.join(", ") || "no host"})`;
}
