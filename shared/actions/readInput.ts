import type * as z from "zod/mini";
import { searchParamsToInput } from "../validation/searchParamsToInput";
import { TriggerError } from "../http/TriggerError";
import { readBodyLimited } from "../http/request";

/**
 * The most a trigger call's body may be (64 KiB): every field of every action fits many times
 * over, and a bigger body is refused while it is read (413), never held whole in memory.
 */
export const MAX_INPUT_BYTES = 64 * 1024;

/** Query parameters that steer the call rather than feed the action. */
const RESERVED = ["key", "idem", "format"];

/**
 * The action's input from wherever the caller could put it: query parameters (IFTTT, Stream
 * Deck, chat bots), then a JSON or form-encoded body on top (Zapier, curl, Web Requests).
 */
export async function readInput(
  request: Request,
  schema: z.ZodMiniType,
  params: Record<string, string>,
): Promise<Record<string, unknown>> {
  const url = new URL(request.url);
  for (const name of RESERVED) url.searchParams.delete(name);
  const input: Record<string, unknown> = {
    ...searchParamsToInput(schema, url.searchParams),
    ...searchParamsToInput(schema, new URLSearchParams(params)),
  };
  if (request.method === "GET" || request.method === "HEAD" || !request.body) return input;
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const text = await readBodyLimited(request, MAX_INPUT_BYTES);
  if (!text.trim()) return input;
  if (type === "application/x-www-form-urlencoded")
    return { ...input, ...searchParamsToInput(schema, new URLSearchParams(text)) };
  if (type === "application/json" || type === "" || type === "text/plain") {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TriggerError(
        400,
        "invalid_json",
        "The body is not valid JSON. Send JSON with Content-Type: application/json, or form fields.",
      );
    }
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new TriggerError(400, "invalid_json", "The JSON body must be an object of fields.");
    return { ...input, ...(body as Record<string, unknown>) };
  }
  throw new TriggerError(
    415,
    "unsupported_content_type",
    `Send JSON (application/json) or form fields (application/x-www-form-urlencoded), not ${type}.`,
  );
}
