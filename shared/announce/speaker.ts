import { listAccounts } from "../storage/accountsStore";
import type { KickClient } from "../kick/index";
import { CHAT_ENDPOINTS } from "../kick/schemas/chat";
import { kickContextFor, type KickContext } from "./KickContext";
import { NoBotAccountError } from "./errors";

/**
 * Who speaks in chat: the broadcaster, or the connected bot account posting into the
 * broadcaster's channel with `type: "user"` (Kick's `type: "bot"` answers 500 for most apps).
 */
export async function speaker(
  ctx: KickContext & { input: { as?: "broadcaster" | "bot" } },
): Promise<KickClient<"sendChat">> {
  if (ctx.input.as !== "bot") return ctx.kick;
  const bot = (await listAccounts(ctx.env.DB)).find((a) => a.role === "bot");
  if (!bot) throw new NoBotAccountError();
  return kickContextFor(ctx.env, bot, ctx.now, CHAT_ENDPOINTS).kick;
}
