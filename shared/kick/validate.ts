import * as z from "zod/mini";
import { describeIssues } from "./describeIssues";
import { KickValidationError } from "./errors/KickValidationError";

/** Parses `input` or throws a KickValidationError naming each bad field. */
export function validate<S extends z.ZodMiniType>(schema: S, input: unknown, endpoint?: string): z.output<S> {
  const result = z.safeParse(schema, input);
  if (!result.success) throw new KickValidationError(describeIssues(result.error.issues), endpoint);
  return result.data;
}
