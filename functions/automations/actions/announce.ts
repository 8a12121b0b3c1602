import * as z from "zod/mini";
import { KICK_LIMITS } from "../../../shared/kick/limits";
import { nonEmptyText } from "../../../shared/kick/schemas/common";
import { defineAction } from "../Action";
import { As } from "./chat";
import { announceOnce, PLACEHOLDERS } from "../../../shared/announce/announceOnce";
import { announceRules } from "../../../shared/storage/rulesStore";

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
    await announceRules.save(ctx.env.DB, {
      accountId: ctx.account.id,
      template: ctx.input.template,
      auto: ctx.input.auto !== false,
      updatedAt: ctx.now,
    });
    return { template: ctx.input.template, auto: ctx.input.auto !== false };
  },
});
