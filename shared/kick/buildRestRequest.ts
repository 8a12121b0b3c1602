import { pathTemplate } from "../http/pathTemplate";
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
  const template = pathTemplate(endpoint.path);
  const rest: Record<string, unknown> = { ...input };
  for (const key of template.keys) delete rest[key];
  const url = new URL(template.fill(input), apiBase);
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
