import { accounts } from "../storage/accountsStore";
import { kickClient, type KickClient } from "../kick/index";
import { CHAT_ENDPOINTS } from "../kick/schemas/chat";
import { accountTokenSource } from "../refresh/getAccessToken";
import type { KickContext } from "./KickContext";
import { TriggerError } from "../http/TriggerError";

/**
 * Who speaks in chat: the broadcaster, or the connected bot account posting into the
 * broadcaster's channel with `type: "user"` (Kick's `type: "bot"` answers 500 for most apps).
 */
export async function speaker(
  ctx: KickContext & { input: { as?: "broadcaster" | "bot" } },
): Promise<KickClient<"sendChat">> {
  if (ctx.input.as !== "bot") return ctx.kick;
  const bot = (await accounts.list(ctx.env.DB)).find((a) => a.role === "bot");
  if (!bot)
    throw new TriggerError(
      409,
      "no_bot_account",
      "No bot account is connected. Connect one on the connect page, or leave out as=bot.",
    );
  return kickClient(CHAT_ENDPOINTS, ctx.config, accountTokenSource(ctx.env, bot.id, ctx.config));
}
