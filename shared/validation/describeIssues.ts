import type * as z from "zod/mini";

type Issue = z.core.$ZodIssue;

export interface FieldIssue {
  /** Dotted path of the field, e.g. `events.0.name`; empty for the whole input. */
  field: string;
  reason: string;
}

/** zod issues as "which field, why", readable without zod's locale bundle. */
export function describeIssues(issues: readonly Issue[]): FieldIssue[] {
  return issues.map((issue) => ({ field: issue.path.join("."), reason: reasonFor(issue) }));
}

function reasonFor(issue: Issue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "is required" : `must be ${article(issue.expected)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return `unknown field(s) ${issue.keys.join(", ")}`;
    case "too_big":
    case "too_small":
      return issue.message && issue.message !== "Invalid input" ? issue.message : sizeReason(issue);
    default:
      return issue.message && issue.message !== "Invalid input" ? issue.message : "is invalid";
  }
}

function sizeReason(issue: Extract<Issue, { code: "too_big" | "too_small" }>): string {
  const bound = issue.code === "too_big" ? `at most ${String(issue.maximum)}` : `at least ${String(issue.minimum)}`;
  return issue.origin === "string"
    ? `must be ${bound} characters`
    : issue.origin === "array"
      ? `takes ${bound} items`
      : `must be ${bound}`;
}

function article(type: string): string {
  return type === "int" ? "an integer" : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
