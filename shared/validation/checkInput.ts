import * as z from "zod/mini";
import { describeIssues, type FieldIssue } from "./describeIssues";

export type Checked<T> = { ok: true; data: T } | { ok: false; issues: FieldIssue[] };

/** Parses untrusted input against a schema; on failure, says which field and why. */
export function checkInput<S extends z.ZodMiniType>(schema: S, input: unknown): Checked<z.output<S>> {
  // reportInput lets "is required" be told apart from "is the wrong type"; inputs never reach the reasons.
  const result = z.safeParse(schema, input, { reportInput: true });
  return result.success ? { ok: true, data: result.data } : { ok: false, issues: describeIssues(result.error.issues) };
}

/** Issues as one line: `field: reason; field: reason`. */
export function issuesText(issues: FieldIssue[]): string {
  return issues.map((i) => (i.field ? `${i.field}: ${i.reason}` : i.reason)).join("; ");
}
