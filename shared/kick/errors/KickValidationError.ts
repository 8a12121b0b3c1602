import type { FieldIssue } from "../../validation/describeIssues";
import { issuesText } from "../../validation/checkInput";
import { KickError, type KickErrorOptions } from "./KickError";

export type { FieldIssue };

/** The input broke one of Kick's documented limits; nothing was sent. */
export class KickValidationError extends KickError {
  override name = "KickValidationError";
  override readonly code: string = "invalid_input";
  constructor(
    readonly issues: FieldIssue[],
    endpoint?: string,
    options?: KickErrorOptions,
  ) {
    super(issuesText(issues), undefined, endpoint, options);
  }
}
