// Kick's endpoint table writes path parameters as `{id}` (OpenAPI's spelling) and our routes as
// `:id` (itty-router's); one reader for both keeps the client, the emulator and the OpenAPI
// document agreeing on what a parameter is.
const PARAM = /\{(\w+)\}|:(\w+)/g;

export interface PathTemplate {
  /** The parameter names, in order. */
  keys: string[];
  /** Matches a whole path; group i + 1 is `keys[i]`, still percent-encoded. */
  pattern: RegExp;
  /** The template in OpenAPI's spelling, `/v1/rewards/{id}`. */
  openApi: string;
  /** The path with each parameter percent-encoded from `values`. */
  fill(values: Record<string, unknown>): string;
}

export function pathTemplate(template: string): PathTemplate {
  const name = (braced: string | undefined, colon: string | undefined) => (braced ?? colon)!;
  return {
    keys: [...template.matchAll(PARAM)].map((m) => name(m[1], m[2])),
    pattern: new RegExp(`^${template.replace(PARAM, "([^/]+)")}$`),
    openApi: template.replace(PARAM, (_, braced?: string, colon?: string) => `{${name(braced, colon)}}`),
    fill: (values) =>
      template.replace(PARAM, (_, braced?: string, colon?: string) =>
        encodeURIComponent(String(values[name(braced, colon)])),
      ),
  };
}
