/**
 * One way to describe a failure in logs and run summaries: its class name and stable code (and
 * Kick's HTTP status and endpoint when it came from Kick), never its message or cause. Messages
 * may quote Kick's words; a code cannot carry a token, so nothing secret can reach a log line.
 */
export function errorFacts(error: unknown): { name: string; code?: string; status?: number; endpoint?: string } {
  // Our errors and Kick's carry these as plain values; JSON.stringify leaves out the absent ones.
  const facts: { name: string; code?: string; status?: number; endpoint?: string } =
    error instanceof Error ? error : { name: typeof error };
  return { name: facts.name, code: facts.code, status: facts.status, endpoint: facts.endpoint };
}

/** A short label for a failed step in a summary: the stable code, else the class name. */
export const errorLabel = (error: unknown): string => errorFacts(error).code ?? errorFacts(error).name;

/**
 * Logs a failure as one JSON line: the event, any fields the caller adds, then the error's
 * facts beside them (`name`, `code`, and Kick's `status` and `endpoint`), so a line reads
 * `{"event":"refresh_error","account":1,"name":"KickTimeoutError","code":"timeout",…}`.
 */
export function logError(event: string, error: unknown, fields: Record<string, unknown> = {}): void {
  console.error(JSON.stringify({ event, ...fields, ...errorFacts(error) }));
}
