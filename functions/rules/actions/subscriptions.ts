import * as z from "zod/mini";
import { TriggerError } from "../../../shared/http/TriggerError";
import type { SyncAnswer } from "../../../shared/webhooks/reconcileSubscriptions";
import { defineAction, rulesSettings } from "../settings";

// The webhooks Worker reconciles (it owns the subscriptions, its cron keeps them right, and it
// holds the app's Kick credentials); this endpoint asks it to do one account now.
export const syncSubscriptions = defineAction({
  name: "syncSubscriptions",
  summary: "Reconcile Kick's event subscriptions now (create missing, remove duplicates)",
  method: "POST",
  path: "/v1/events/subscriptions/sync",
  capability: "events",
  mutating: true,
  allowGet: true,
  input: z.object({}),
  async run(ctx) {
    // RPC's return type does not narrow on `ok`; the answer is exactly a SyncAnswer.
    const answer = (await ctx.env.SUBSCRIPTIONS.reconcile(
      ctx.account,
      rulesSettings(ctx.env).reconnectUrl,
    )) as SyncAnswer;
    if (!answer.ok) throw new TriggerError(answer.status, answer.code, answer.message, answer.details);
    return answer.summary;
  },
  text: (s) =>
    `Subscriptions: ${s.kept + s.created.length} of ${s.desired.length}; created ${s.created.length}, removed ${s.removed_duplicates + s.removed_unwanted}.`,
});
