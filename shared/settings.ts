import * as z from "zod/mini";
import { kickConfigFromEnv, type KickConfig, type KickEnv } from "./kick/config";
import { describeIssues } from "./validation/describeIssues";

/**
 * A Worker setting (a `[vars]` entry of wrangler.toml) that does not pass its schema. Says which
 * variable and why, never its value. The entry answers it as a configuration error.
 */
export class SettingsError extends Error {
  override name = "SettingsError";
  readonly code = "bad_setting";
  constructor(readonly problems: { field: string; reason: string }[]) {
    super(`Bad wrangler.toml [vars]: ${problems.map((p) => `${p.field} ${p.reason}`).join("; ")}`);
  }
}

/**
 * A whole number in [min, max] given as text, as every wrangler var is. The default lives in
 * wrangler.toml and nowhere else, so a missing var is an error here, not a silent fallback.
 */
export const wholeNumber = (min: number, max: number) =>
  z.pipe(
    z.string().check(
      z.refine((text) => /^\d+$/.test(text) && +text >= min && +text <= max, {
        error: `must be a whole number from ${min} to ${max}`,
      }),
    ),
    z.transform(Number),
  );

/** An http(s) origin or URL, or empty (meaning: the default the Worker derives). */
export const urlOrEmpty = () =>
  z
    .string()
    .check(z.refine((v) => v === "" || /^https?:\/\/[^\s/]+/.test(v), { error: "must be an http(s) URL, or empty" }));

/** Comma-separated items, trimmed, empties dropped. */
export const commaList = () =>
  z.pipe(
    z.optional(z.string()),
    z.transform((text) =>
      (text ?? "")
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  );

const parsed = new WeakMap<z.ZodMiniType, WeakMap<object, unknown>>();

/**
 * Settings from a Worker's env, parsed once per env object (once per isolate in production:
 * workerd hands every request the same env) and cached; `schema` must be a module constant.
 */
export function parseSettings<S extends z.ZodMiniType>(schema: S, env: object): z.output<S> {
  let bySchema = parsed.get(schema);
  if (!bySchema) parsed.set(schema, (bySchema = new WeakMap()));
  if (bySchema.has(env)) return bySchema.get(env) as z.output<S>;
  const result = z.safeParse(schema, env);
  if (!result.success) throw new SettingsError(describeIssues(result.error.issues));
  bySchema.set(env, result.data);
  return result.data;
}

// The bases are checked; the app's credentials are secrets, passed through as they are.
const KICK_VARS = z.pipe(
  z.looseObject({ KICK_ID_BASE: z.optional(urlOrEmpty()), KICK_API_BASE: z.optional(urlOrEmpty()) }),
  z.transform((vars): KickConfig => kickConfigFromEnv(vars)),
);

/** Where Kick is (Kick itself when the bases are empty) and the app's credentials, parsed once. */
export const kickConfigOf = (env: KickEnv): KickConfig => parseSettings(KICK_VARS, env);
