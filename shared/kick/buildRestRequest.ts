import type { Endpoint } from "./endpoints";

/**
 * The Request for one REST call: `{name}` path segments from the input, the rest as
 * repeated query keys (`?id=1&id=2`) or a JSON body, as the endpoint says.
 */
export function buildRestRequest(
  apiBase: string,
  endpoint: Endpoint,
  input: Record<string, unknown>,
  token: string | null,
): Request {
  const rest: Record<string, unknown> = { ...input };
  const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = rest[name];
    delete rest[name];
    return encodeURIComponent(String(value));
  });
  const url = new URL(path, apiBase);
  const headers = new Headers({ accept: "application/json" });
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  let body: string | undefined;
  if (endpoint.send === "query") {
    for (const [key, value] of Object.entries(rest)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item));
    }
  } else {
    headers.set("content-type", "application/json");
    body = JSON.stringify(rest);
  }
  return new Request(url, { method: endpoint.method, headers, body });
}
