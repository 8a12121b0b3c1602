import { linkedBot } from "../storage/accountsStore";
import type { KickClient } from "../kick/index";
import { CHAT_ENDPOINTS } from "../kick/schemas/chat";
import { kickContextFor, type KickContext } from "./KickContext";
import { ChatCapError, NoBotAccountError } from "./errors";

/**
 * Who speaks in chat: the broadcaster, or the bot account linked to this broadcaster (connected
 * from its page) posting into the broadcaster's channel with `type: "user"` (Kick's
 * `type: "bot"` answers 500 for most apps). Another channel's bot never speaks here.
 * Every post, whoever makes it and whatever set it off, first takes one of the channel's
 * chat posts for the minute (CHAT_LIMITER), so no key or rule can flood the chat; nothing is
 * read before it (a chat post may take no other limiter first: Action's `limitedBy`).
 */
export async function speaker(
  ctx: KickContext & { input: { as?: "broadcaster" | "bot" } },
): Promise<KickClient<"sendChat">> {
  const channel = String(ctx.account.id);
  return {
    async sendChat(...args) {
      if (!(await ctx.env.CHAT_LIMITER.limit({ key: channel })).success) throw new ChatCapError();
      const kick = ctx.input.as === "bot" ? await botKick(ctx) : ctx.kick;
      return kick.sendChat(...args);
    },
  };
}

async function botKick(ctx: KickContext): Promise<KickClient<"sendChat">> {
  const bot = await linkedBot(ctx.env.DB, ctx.account.id);
  if (!bot) throw new NoBotAccountError();
  return kickContextFor(ctx.env, bot, ctx.now, CHAT_ENDPOINTS).kick;
}
