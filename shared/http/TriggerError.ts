/** A failure a trigger caller should see: an HTTP status, a stable code, words, and details. */
export class TriggerError extends Error {
  override name = "TriggerError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
