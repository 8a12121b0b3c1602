import type * as z from "zod/mini";

type Def = {
  type: string;
  innerType?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  shape?: Record<string, { _zod: { def: Def } }>;
};

/**
 * Query parameters shaped for a zod object schema: repeated keys become arrays where the
 * schema wants an array, digits become numbers where it wants a number, so the schema (not
 * this function) decides what is valid and explains what is not. Parameters the schema does
 * not have are dropped, as the schema would drop them.
 */
export function searchParamsToInput(schema: z.ZodMiniType, params: URLSearchParams): Record<string, unknown> {
  const shape = (schema._zod.def as Def).shape ?? {};
  const input: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    // Only the schema's own fields: a `__proto__` parameter must not reach an object's prototype.
    if (!Object.hasOwn(shape, key)) continue;
    const field = shape[key];
    const def = field ? unwrap(field._zod.def) : undefined;
    const values = params.getAll(key);
    if (def?.type === "array") {
      const element = def.element ? unwrap(def.element._zod.def) : undefined;
      input[key] = values.filter((v) => v !== "").map((v) => coerce(element, v));
    } else {
      input[key] = coerce(def, values[values.length - 1]!);
    }
  }
  return input;
}

function unwrap(def: Def): Def {
  while ((def.type === "optional" || def.type === "nullable" || def.type === "default") && def.innerType)
    def = def.innerType._zod.def;
  return def;
}

function coerce(def: Def | undefined, value: string): unknown {
  if (def?.type === "number" || def?.type === "int") return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (def?.type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}
