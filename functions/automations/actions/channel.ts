import * as z from "zod/mini";
import { KICK_LIMITS } from "../../../shared/kick/limits";
import { STREAM_TITLE_MAX } from "../../../shared/kick/schemas/channels";
import { nonEmptyText } from "../../../shared/kick/schemas/common";
import type { KickClient } from "../../../shared/kick/index";
import { defineAction } from "../Action";
import { TriggerError } from "../../../shared/http/TriggerError";

/** A category by name through categories v2: an exact name wins; several near ones are a 400 listing them. */
export async function resolveCategory(
  kick: KickClient<"listCategories">,
  name: string,
): Promise<{ id: number; name: string }> {
  const { data } = await kick.listCategories({ name: [name], limit: 25 });
  const exact = data.filter((c) => c.name.toLowerCase() === name.trim().toLowerCase());
  const found = exact.length === 1 ? exact : data;
  if (found.length === 1) return { id: found[0]!.id, name: found[0]!.name };
  if (found.length === 0)
    throw new TriggerError(400, "category_not_found", `No Kick category is called "${name}".`, { field: "category" });
  throw new TriggerError(
    400,
    "category_ambiguous",
    `"${name}" matches several categories; send one of these names or its category_id.`,
    {
      field: "category",
      candidates: found.map((c) => ({ id: c.id, name: c.name })),
    },
  );
}

const Tags = z
  .pipe(
    z.union([z.array(z.string()), z.string()]),
    z.transform((v) => (Array.isArray(v) ? v : v.split(",")).map((t) => t.trim()).filter(Boolean)),
  )
  .check(
    z.refine((tags) => tags.length <= KICK_LIMITS.customTagsMax, `takes at most ${KICK_LIMITS.customTagsMax} tags`),
  );

export const setChannel = defineAction({
  name: "setChannel",
  summary: "Change the stream title, category or tags",
  method: "POST",
  path: "/v1/channel",
  capability: "channel",
  mutating: true,
  allowGet: true,
  input: z
    .object({
      title: z.optional(nonEmptyText(STREAM_TITLE_MAX)),
      category: z.optional(z.string().check(z.minLength(1, "must not be empty"))),
      category_id: z.optional(z.int().check(z.positive("must be a positive integer"))),
      tags: z.optional(Tags),
    })
    .check(
      z.refine(
        (v) => v.title !== undefined || v.category !== undefined || v.category_id !== undefined || v.tags !== undefined,
        { message: "give at least one of title, category, category_id, tags", path: [] },
      ),
      z.refine((v) => !(v.category !== undefined && v.category_id !== undefined), {
        message: "give category or category_id, not both",
        path: ["category"],
      }),
    ),
  async run(ctx) {
    const category = ctx.input.category !== undefined ? await resolveCategory(ctx.kick, ctx.input.category) : null;
    await ctx.kick.updateChannel({
      stream_title: ctx.input.title,
      category_id: category?.id ?? ctx.input.category_id,
      custom_tags: ctx.input.tags,
    });
    return {
      title: ctx.input.title ?? null,
      category: category ?? (ctx.input.category_id ? { id: ctx.input.category_id } : null),
      tags: ctx.input.tags ?? null,
    };
  },
  text: () => "Channel updated.",
});
