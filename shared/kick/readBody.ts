/** A whole Kick answer, read once. `json` is set only when the body really is JSON. */
export interface KickAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  /** An HTML page (a Cloudflare challenge, an error page) where JSON was expected. */
  isHtml: boolean;
  /** Why a body that is not HTML did not parse as JSON (the cause of the error it leads to). */
  jsonError?: unknown;
}

/**
 * Why an answer could not be read, as a cause that quotes none of it: a JSON SyntaxError and a
 * zod issue both carry pieces of the body, and a body may hold a token or a stream key.
 */
export const unreadableCause = (answer: KickAnswer, issues: readonly { path: PropertyKey[] }[] = []) =>
  answer.jsonError
    ? new SyntaxError("not JSON")
    : new TypeError(`unexpected at ${issues.map((i) => i.path.join("."))}`);

export async function readBody(response: Response): Promise<KickAnswer> {
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  const trimmed = text.trimStart();
  const isHtml = type.includes("text/html") || /^<(!doctype|html|head|body)/i.test(trimmed);
  let json: unknown = undefined;
  let jsonError: unknown = undefined;
  if (!isHtml && trimmed !== "") {
    try {
      json = JSON.parse(text);
    } catch (error) {
      jsonError = error;
    }
  }
  return { status: response.status, headers: response.headers, text, json, isHtml, jsonError };
}
