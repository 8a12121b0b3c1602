import * as z from "zod/mini";

/** Kick user and broadcaster ids are positive integers. */
export const UserId = z.int().check(z.positive("must be a positive integer"));
/** Rewards, redemptions and subscriptions are ULIDs. */
export const Ulid = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/i, "must be a ULID"));
/** Chat message ids are UUIDs. */
export const MessageId = z
  .string()
  .check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID"));

/** Code points, not UTF-16 units: an emoji is one character to a chatter. */
export const codePointLength = (text: string): number => [...text].length;

export const nonEmptyText = (max: number) =>
  z.string().check(
    z.refine((s) => s.trim().length > 0, "must not be empty"),
    z.refine((s) => codePointLength(s) <= max, `must be at most ${max} characters`),
  );

export const maxText = (max: number) =>
  z.string().check(z.refine((s) => codePointLength(s) <= max, `must be at most ${max} characters`));

export const intBetween = (min: number, max: number) =>
  z.int().check(z.gte(min, `must be at least ${min}`), z.lte(max, `must be at most ${max}`));

export const listOf = <T extends z.ZodMiniType>(item: T, min: number, max: number) =>
  z.array(item).check(z.minLength(min, `needs at least ${min}`), z.maxLength(max, `takes at most ${max}`));

/** Who speaks for an action that posts to chat: the broadcaster (default) or the connected bot account. */
export const As = z.optional(z.enum(["broadcaster", "bot"]));

export const Cursor = z.string().check(z.minLength(1, "must not be empty"));

/** Kick is inconsistent about missing values: accept null, undefined, or the value. */
export const loose = <T extends z.ZodMiniType>(schema: T) => z.nullish(schema);

/** Emote ids and livestream ids arrive as a string or a number; normalize to a string. */
export const StringOrNumberId = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((v) => String(v)),
);

export const Empty = z.object({});
