/** A whole Kick answer, read once. `json` is set only when the body really is JSON. */
export interface KickAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  /** An HTML page (a Cloudflare challenge, an error page) where JSON was expected. */
  isHtml: boolean;
}

export async function readBody(response: Response): Promise<KickAnswer> {
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  const trimmed = text.trimStart();
  const isHtml = type.includes("text/html") || /^<(!doctype|html|head|body)/i.test(trimmed);
  let json: unknown = undefined;
  if (!isHtml && trimmed !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: response.status, headers: response.headers, text, json, isHtml };
}
