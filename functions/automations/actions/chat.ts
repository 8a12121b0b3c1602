import * as z from "zod/mini";
import { KICK_LIMITS } from "../../../shared/kick/limits";
import { As, MessageId, nonEmptyText } from "../../../shared/kick/schemas/common";
import { defineAction } from "../Action";
import { speaker } from "../../../shared/announce/speaker";

export const sendChat = defineAction({
  name: "sendChat",
  summary: "Send a chat message",
  method: "POST",
  path: "/v1/chat",
  capability: "chat",
  mutating: true,
  allowGet: true,
  limitedBy: "chat_cap",
  input: z.object({ message: nonEmptyText(KICK_LIMITS.chatContentMax), reply_to: z.optional(MessageId), as: As }),
  async run(ctx) {
    const kick = await speaker(ctx);
    const sent = await kick.sendChat({
      type: "user",
      broadcaster_user_id: ctx.account.id,
      content: ctx.input.message,
      reply_to_message_id: ctx.input.reply_to,
    });
    return { sent: sent.is_sent, message_id: sent.message_id };
  },
  text: (d) => (d.sent ? "Sent." : "Kick did not send it."),
});

export const deleteChat = defineAction({
  name: "deleteChat",
  summary: "Delete a chat message",
  method: "DELETE",
  path: "/v1/chat/:message_id",
  capability: "chat_moderation",
  mutating: true,
  input: z.object({ message_id: MessageId }),
  async run(ctx) {
    await ctx.kick.deleteChat({ message_id: ctx.input.message_id });
    return { deleted: ctx.input.message_id };
  },
  text: () => "Deleted.",
});
