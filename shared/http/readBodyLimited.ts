/** A request body over the reader's limit: reading stopped there, and the rest was never taken in. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  readonly code = "body_too_large";
  constructor(readonly maxBytes: number) {
    super(`The body is larger than ${maxBytes} bytes.`);
  }
}

/**
 * A request's body as UTF-8 text, at most `maxBytes` of it. `request.text()` buffers the whole
 * body before anyone can look at its size, and a chunked body declares none, so a sender could
 * make an isolate hold any amount of memory. Here a declared Content-Length over the limit is
 * refused unread, and the stream is read chunk by chunk and cancelled as soon as it passes the
 * limit. Throws BodyTooLargeError.
 */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) {
    await request.body?.cancel();
    throw new BodyTooLargeError(maxBytes);
  }
  if (!request.body) return "";
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
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
