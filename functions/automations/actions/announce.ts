import * as z from "zod/mini";
import { KICK_LIMITS } from "../../../shared/kick/limits";
import { nonEmptyText } from "../../../shared/kick/schemas/common";
import { defineAction } from "../Action";
import { As } from "./chat";
import { announceOnce, PLACEHOLDERS } from "../../../shared/announce/announceOnce";

const Template = nonEmptyText(KICK_LIMITS.chatContentMax).check(
  z.refine(
    (t) => [...t.matchAll(/\{(\w+)\}/g)].every((m) => (PLACEHOLDERS as readonly string[]).includes(m[1]!)),
    `may use only ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
  ),
);

export const announce = defineAction({
  name: "announce",
  summary: "Announce the stream in chat",
  method: "POST",
  path: "/v1/announce",
  capability: "announce",
  mutating: true,
  allowGet: true,
  input: z.object({ message: z.optional(Template), force: z.optional(z.boolean()), as: As }),
  run: (ctx) => announceOnce(ctx, "trigger"),
  text: (d) => (d.posted ? "Announced." : "Already announced for this stream."),
});

export const setAnnounceRule = defineAction({
  name: "setAnnounceRule",
  summary: "Set the go-live announcement",
  method: "POST",
  path: "/v1/announce/rule",
  capability: "announce",
  mutating: true,
  input: z.object({ template: Template, auto: z.optional(z.boolean()) }),
  async run(ctx) {
    await ctx.env.DB.prepare(
      "INSERT INTO announce_rules (account_id, template, auto, updated_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account_id) DO UPDATE SET template = ?2, auto = ?3, updated_at = ?4",
    )
      .bind(ctx.account.id, ctx.input.template, ctx.input.auto === false ? 0 : 1, ctx.now)
      .run();
    return { template: ctx.input.template, auto: ctx.input.auto !== false };
  },
});
