import * as z from "zod/mini";
import { announceTemplate } from "../../../shared/announce/announceOnce";
import { saveAnnounceRule } from "../../../shared/storage/rulesStore";
import { defineAction } from "../settings";

export const setAnnounceRule = defineAction({
  name: "setAnnounceRule",
  summary: "Set the go-live announcement",
  method: "POST",
  path: "/v1/announce/rule",
  capability: "announce",
  mutating: true,
  input: z.object({ template: announceTemplate(), auto: z.optional(z.boolean()) }),
  async run(ctx) {
    await saveAnnounceRule(ctx.env.DB, {
      accountId: ctx.account.id,
      template: ctx.input.template,
      auto: ctx.input.auto !== false,
      updatedAt: ctx.now,
    });
    return { template: ctx.input.template, auto: ctx.input.auto !== false };
  },
});
