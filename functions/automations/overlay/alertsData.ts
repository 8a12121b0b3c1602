import * as z from "zod/mini";
import { alertsAfter } from "../../../shared/storage/alertsStore";
import { intBetween } from "../../../shared/kick/schemas/common";
import { defineAction } from "../Action";

/** Alerts per answer: a storm drains over a few polls, while the overlay shows them one at a time anyway. */
const PER_POLL = 10;

// The page (public/overlay/alerts.html) polls this with its overlay key. It opens without
// `after` and starts from `last`, so an old alert is never replayed on a reload.
export const alertsData = defineAction({
  name: "alertsData",
  summary: "Give the alerts overlay the alerts after an id",
  method: "GET",
  path: "/overlay/alerts.json",
  capability: "overlay",
  mutating: false,
  input: z.object({ after: z.optional(intBetween(0, Number.MAX_SAFE_INTEGER)) }),
  run: (ctx) => alertsAfter(ctx.env.DB, ctx.account.id, ctx.input.after ?? null, PER_POLL),
});
