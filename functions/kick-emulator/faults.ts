import { ulid } from "../../shared/encoding";
import { apiError, challengePage, droppedConnection } from "./http";
import type { EmulatorState, Fault } from "./state";

/** Parses a control-API fault request; throws a message for anything unusable. */
export function newFault(body: Record<string, unknown>): Fault {
  const path = typeof body.path === "string" && body.path.startsWith("/") ? body.path : null;
  if (!path) throw new Error("path: must start with /");
  const status = body.status === undefined ? null : Number(body.status);
  if (status !== null && !(status >= 100 && status <= 599)) throw new Error("status: must be an HTTP status");
  const drop = body.drop === "before" || body.drop === "after" ? body.drop : null;
  if (body.drop !== undefined && drop === null) throw new Error('drop: must be "before" or "after"');
  if (status === null && drop === null && !body.delay_ms) throw new Error("give status, drop or delay_ms");
  return {
    id: ulid(),
    method: typeof body.method === "string" ? body.method.toUpperCase() : null,
    path,
    remaining: Math.max(1, Number(body.times ?? 1) || 1),
    status,
    retry_after: body.retry_after === undefined ? null : String(body.retry_after),
    delay_ms: Math.max(0, Number(body.delay_ms ?? 0) || 0),
    html: body.html === true,
    drop,
    body: body.body,
    raw: typeof body.raw === "string" ? body.raw : null,
  };
}

/** The first armed fault for this request, spent by one. */
export function takeFault(state: EmulatorState, method: string, path: string): Fault | null {
  const fault = state.faults.find(
    (f) =>
      f.remaining > 0 &&
      (f.method === null || f.method === method) &&
      (f.path.endsWith("*") ? path.startsWith(f.path.slice(0, -1)) : f.path === path),
  );
  if (!fault) return null;
  fault.remaining -= 1;
  state.faults = state.faults.filter((f) => f.remaining > 0);
  return fault;
}

/** The answer a status fault gives instead of the real one. */
export function faultResponse(fault: Fault): Response {
  if (fault.status === null) return droppedConnection();
  const response = fault.html
    ? challengePage(fault.status)
    : fault.raw !== null
      ? new Response(fault.raw, { status: fault.status, headers: { "content-type": "application/json" } })
      : fault.body !== undefined
        ? Response.json(fault.body, { status: fault.status })
        : apiError(
            fault.status,
            fault.status === 429
              ? "Too Many Requests"
              : fault.status >= 500
                ? "Internal Server Error"
                : "Injected fault",
          );
  if (fault.retry_after !== null) response.headers.set("retry-after", fault.retry_after);
  return response;
}
