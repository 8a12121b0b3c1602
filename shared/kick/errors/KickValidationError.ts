import { KickError } from "./KickError";

export interface FieldIssue {
  /** Dotted path of the field, e.g. `events.0.name`; empty for the whole input. */
  field: string;
  reason: string;
}

/** The input broke one of Kick's documented limits; nothing was sent. */
export class KickValidationError extends KickError {
  override name = "KickValidationError";
  override readonly code: string = "invalid_input";
  constructor(
    readonly issues: FieldIssue[],
    endpoint?: string,
  ) {
    super(issues.map((i) => (i.field ? `${i.field}: ${i.reason}` : i.reason)).join("; "), undefined, endpoint);
  }
}
