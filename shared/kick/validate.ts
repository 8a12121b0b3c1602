import type * as z from "zod/mini";
import { checkInput } from "../validation/checkInput";
import { KickValidationError } from "./errors";

/** Parses `input` or throws a KickValidationError naming each bad field. */
export function validate<S extends z.ZodMiniType>(schema: S, input: unknown, endpoint?: string): z.output<S> {
  const checked = checkInput(schema, input);
  if (!checked.ok) throw new KickValidationError(checked.issues, endpoint);
  return checked.data;
}
