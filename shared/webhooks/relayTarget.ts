// Where this Worker may send what it fetches on someone's say-so (a relay's URL, Kick's public
// key): public hosts over https. A relay URL is typed by whoever holds an automation key, so
// without these checks a relay could probe the network it runs in, and its deliveries list
// would report what it found.

/**
 * Names that never reach a public receiver: loopback, link-local and private DNS zones
 * (RFC 6762 .local, RFC 8375 home.arpa, ICANN's .internal, and the usual router zones).
 * A single-label name (`intranet`) is refused apart: it only resolves inside some network.
 */
const NON_PUBLIC_ZONES = ["localhost", "local", "internal", "intranet", "lan", "localdomain", "home.arpa", "corp"];

/** An IPv4 literal as the URL parser leaves it (it rewrites 2130706433 and 0x7f.1 to dotted form), or IPv6. */
const IP_LITERAL = /^(\d{1,3}\.){3}\d{1,3}$|^\[.*\]$/;

/** The host names RELAY_HTTP_HOSTS lists, trimmed, lower case, without IPv6 brackets. */
export const httpHostList = (httpHosts: string) =>
  httpHosts
    .split(",")
    .map((h) =>
      h
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/, "$1"),
    )
    .filter(Boolean);

/**
 * Local development is a deployment with RELAY_HTTP_HOSTS set: `npm run deploy` always empties
 * it (and refuses loopback values in any setting), so a production Worker is never in it.
 */
export const isLocalDevelopment = (httpHosts: string) => httpHostList(httpHosts).length > 0;

/** Why a host is not a public one, or null when it is. */
export function publicHostProblem(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (IP_LITERAL.test(host)) return "must name a public host, not an IP address";
  if (!host.includes(".") || NON_PUBLIC_ZONES.some((zone) => host === zone || host.endsWith(`.${zone}`)))
    return "must name a public host, not a local or internal one";
  return null;
}

/**
 * Why a relay URL cannot be used, or null when it can: https to a public host by name; no
 * credentials in it. In local development the hosts RELAY_HTTP_HOSTS lists (Streamer.bot on
 * 127.0.0.1) may also take plain http, IP literal or loopback as they are. Checked when a
 * relay is made and again before every send, in case the settings changed since.
 */
export function relayUrlProblem(raw: string, httpHosts: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an absolute URL, e.g. https://hooks.zapier.com/hooks/catch/…";
  }
  if (url.username || url.password) return "must not carry a user name or password";
  const local = httpHostList(httpHosts);
  const web = url.protocol === "https:" || url.protocol === "http:";
  if (web && local.includes(url.hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1"))) return null;
  if (url.protocol !== "https:") return `must use https (http only to ${local.join(", ") || "no host"})`;
  return publicHostProblem(url.hostname);
}
