import * as z from "zod/mini";
import { As } from "../../../shared/kick/schemas/common";
import { defineAction } from "../Action";
import { announceOnce, announceTemplate } from "../../../shared/announce/announceOnce";

export const announce = defineAction({
  name: "announce",
  summary: "Announce the stream in chat",
  method: "POST",
  path: "/v1/announce",
  capability: "announce",
  mutating: true,
  allowGet: true,
  input: z.object({ message: z.optional(announceTemplate()), force: z.optional(z.boolean()), as: As }),
  run: (ctx) => announceOnce(ctx, "trigger"),
  text: (d) => (d.posted ? "Announced." : "Already announced for this stream."),
});
