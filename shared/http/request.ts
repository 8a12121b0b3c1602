/** A request body over the reader's limit: reading stopped there, and the rest was never taken in. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  readonly code = "body_too_large";
  constructor(readonly maxBytes: number) {
    super(`The body is larger than ${maxBytes} bytes.`);
  }
}

// What a Worker reads off a request it does not trust: its body, within a limit, and who sent it.

/** A request's body as UTF-8 text, at most `maxBytes` of it (see readBytesLimited). */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readBytesLimited(request, maxBytes));
}

/**
 * A request's body, at most `maxBytes` of it. `request.text()` buffers the whole
 * body before anyone can look at its size, and a chunked body declares none, so a sender could
 * make an isolate hold any amount of memory. Here a declared Content-Length over the limit is
 * refused unread, one within it is read at once, and an undeclared one is read chunk by chunk
 * and cancelled as soon as it passes the limit. Throws BodyTooLargeError.
 */
export async function readBytesLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (Number(declared) > maxBytes) {
    await request.body?.cancel();
    throw new BodyTooLargeError(maxBytes);
  }
  if (!request.body) return new Uint8Array();
  // A declared length is the length: the HTTP layer ends the body there, so it is read whole.
  if (declared) return new Uint8Array(await request.arrayBuffer());
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(read.value);
  }
  return new Uint8Array(await new Blob(chunks).arrayBuffer());
}

/**
 * Who sent a request, for counting what it gets wrong: its address, an IPv6 /64 as one (one
 * user usually holds a whole /64, and each address of it must not get a budget of its own).
 */
export function clientOf(request: Request): string {
  const ip = request.headers.get("cf-connecting-ip") ?? "local";
  if (!ip.includes(":")) return ip;
  if (ip.includes(".")) return ip.slice(ip.lastIndexOf(":") + 1);
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
