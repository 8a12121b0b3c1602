import type { Alert } from "../storage/alertsStore";
import { eventFacts } from "./eventFacts";
import type { Delivery } from "./readDelivery";
import { REPLY_PLACEHOLDERS } from "./replyToEvent";

/**
 * The alert an event makes on the overlay, or null: the events a chat reply can answer, with
 * the same placeholders, folded into the table's few columns (alerts.js unfolds them by type).
 * A redemption alerts when it is made (pending), as a reply answers it, not again when settled.
 */
export function alertOf(d: Delivery): Alert | null {
  if (!(d.type in REPLY_PLACEHOLDERS)) return null;
  if (d.type === "channel.reward.redemption.updated" && (d.payload as { status: string }).status !== "pending")
    return null;
  const v = eventFacts(d.type, d.payload).vars;
  return {
    type: d.type,
    username: String(v.user),
    amount: Number(v.months ?? v.count ?? v.amount ?? v.cost) || null,
    reward: String(v.reward ?? v.gift ?? "") || null,
    message: String(v.message ?? v.input ?? "") || null,
  };
}
