import type { FieldIssue } from "../../validation/describeIssues";
import { issuesText } from "../../validation/checkInput";
import { KickError } from "./KickError";

export type { FieldIssue };

/** The input broke one of Kick's documented limits; nothing was sent. */
export class KickValidationError extends KickError {
  override name = "KickValidationError";
  override readonly code: string = "invalid_input";
  constructor(
    readonly issues: FieldIssue[],
    endpoint?: string,
  ) {
    super(issuesText(issues), undefined, endpoint);
  }
}
