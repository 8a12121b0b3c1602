import { SettingsError } from "../settings";
import { TriggerError } from "./TriggerError";

export type Format = "json" | "text" | "csv";

export function formatOf(request: Request): Format {
  const asked = new URL(request.url).searchParams.get("format");
  return asked === "text" || asked === "csv" ? asked : "json";
}

/**
 * `{"ok":true,"channel":…,"data":…}`, or for `?format=text` the one line a chat bot prints.
 * `channel` names the Kick channel the action went to (a key acts in its broadcaster's channel,
 * as=bot included), so a Zap's history says where a message landed.
 */
export function okResponse(data: unknown, format: Format, text?: string, csv?: string, channel?: string): Response {
  if (format === "csv" && csv !== undefined)
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="kick-edge.csv"',
        "cache-control": "no-store",
      },
    });
  if (format === "text")
    return new Response(short(text ?? "OK"), {
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  return Response.json({ ok: true, channel, data }, { headers: { "cache-control": "no-store" } });
}

/** `{"ok":false,"error":{code,message,details}}` with the error's status, or its message as text. */
export function errorResponse(error: TriggerError, format: Format): Response {
  const headers = { ...error.headers, "cache-control": "no-store" };
  if (format !== "json")
    return new Response(short(`Error: ${error.message}`), {
      status: error.status,
      headers: { ...headers, "content-type": "text/plain; charset=utf-8" },
    });
  const body = {
    ok: false,
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
  return Response.json(body, { status: error.status, headers });
}

/** Nightbot and Fossabot print at most ~400 characters. */
const short = (text: string) => (text.length > 400 ? `${text.slice(0, 397)}...` : text);

/**
 * Reads the Worker's settings; when a var is wrong, the answer that names it (a mistake of
 * whoever deployed, so 500 and the fix), else null. Each Worker calls it first at its edge.
 */
export function settingsErrorResponse(read: () => unknown): Response | null {
  try {
    read();
    return null;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    return errorResponse(new TriggerError(500, error.code, error.message, error.problems), "json");
  }
}
