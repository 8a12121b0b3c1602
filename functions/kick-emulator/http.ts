/** Kick's REST envelope. */
export function envelope(
  data: unknown,
  init: { status?: number; message?: string; pagination?: { next_cursor: string } } = {},
): Response {
  const body: Record<string, unknown> = { data, message: init.message ?? "OK" };
  if (init.pagination) body.pagination = init.pagination;
  return Response.json(body, { status: init.status ?? 200 });
}

/** Kick's REST error shape: `{ data, message }` with the status. */
export function apiError(status: number, message: string, data: unknown = null): Response {
  return Response.json({ data, message }, { status });
}

/** OAuth's error shape (RFC 6749 §5.2), as id.kick.com sends it. */
export function oauthError(status: number, error: string, description: string): Response {
  return Response.json({ error, error_description: description }, { status });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/** A 200 whose body breaks off: the caller sees a dropped connection, not an answer. */
export function droppedConnection(): Response {
  return new Response(
    new ReadableStream({
      start(controller) {
        // Headers and the start of the body go out, then the line goes dead, as on a real drop.
        controller.enqueue(new TextEncoder().encode('{"data":'));
        setTimeout(() => controller.error(new Error("emulated dropped connection")), 10);
      },
    }),
    { status: 200, headers: { "content-type": "application/json" } },
  );
}

/** The page Cloudflare shows bots in front of api.kick.com (docs/kick-api.md §7.6). */
export function challengePage(status: number): Response {
  const html = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body><h1>Checking your browser before accessing kick.com</h1><noscript>Enable JavaScript and cookies to continue</noscript></body></html>`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=UTF-8", "cf-mitigated": "challenge" },
  });
}

export { escapeHtml } from "../../shared/http/html";

/** A form body, read without workerd's "not text" warning for form content types. */
export async function readForm(request: Request): Promise<URLSearchParams> {
  return new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
}
