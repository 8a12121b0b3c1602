/**
 * One way to describe a failure in logs and run summaries: its class name and stable code (and
 * Kick's HTTP status and endpoint when it came from Kick), never its message or cause. Messages
 * may quote Kick's words; a code cannot carry a token, so nothing secret can reach a log line.
 */
export function errorFacts(error: unknown): { name: string; code?: string; status?: number; endpoint?: string } {
  if (!(error instanceof Error)) return { name: typeof error };
  const { code, status, endpoint } = error as { code?: unknown; status?: unknown; endpoint?: unknown };
  return {
    name: error.name,
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof status === "number" ? { status } : {}),
    ...(typeof endpoint === "string" ? { endpoint } : {}),
  };
}

/** A short label for a failed step in a summary: the stable code, else the class name. */
export const errorLabel = (error: unknown): string => errorFacts(error).code ?? errorFacts(error).name;

/** Logs a failure as one JSON line: the event, the error's facts, and any fields the caller adds. */
export function logError(event: string, error: unknown, fields: Record<string, unknown> = {}): void {
  console.error(JSON.stringify({ event, ...fields, error: errorFacts(error) }));
}
