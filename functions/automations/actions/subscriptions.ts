import * as z from "zod/mini";
import { reconcileSubscriptions } from "../../../shared/webhooks/reconcileSubscriptions";
import { defineAction } from "../Action";

// Here, not in the rules Worker: reconciling calls Kick with the app's credentials.
export const syncSubscriptions = defineAction({
  name: "syncSubscriptions",
  summary: "Reconcile Kick's event subscriptions now (create missing, remove duplicates)",
  method: "POST",
  path: "/v1/events/subscriptions/sync",
  capability: "events",
  mutating: true,
  allowGet: true,
  input: z.object({}),
  run: (ctx) => reconcileSubscriptions(ctx.env, ctx.config, ctx.account, ctx.now),
  text: (s) =>
    `Subscriptions: ${s.kept + s.created.length} of ${s.desired.length}; created ${s.created.length}, removed ${s.removed_duplicates + s.removed_unwanted}.`,
});
