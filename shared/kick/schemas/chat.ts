import * as z from "zod/mini";
import type { EndpointTable } from "../endpoints";
import { MessageId, nonEmptyText, UserId } from "./common";
import { KICK_LIMITS } from "../limits";

export const SendChatInput = z
  .object({
    type: z.enum(["user", "bot"]),
    content: nonEmptyText(KICK_LIMITS.chatContentMax),
    broadcaster_user_id: z.optional(UserId),
    reply_to_message_id: z.optional(MessageId),
  })
  .check(
    z.refine((v) => v.type === "bot" || v.broadcaster_user_id !== undefined, {
      message: "is required when type is user",
      path: ["broadcaster_user_id"],
    }),
  );

export const DeleteChatInput = z.object({ message_id: MessageId });

export const ChatSent = z.looseObject({ is_sent: z.boolean(), message_id: z.nullish(z.string()) });

export const CHAT_ENDPOINTS = {
  sendChat: {
    method: "POST",
    path: "/public/v1/chat",
    scope: "chat:write",
    input: SendChatInput,
    output: ChatSent,
    send: "json",
    retry: false,
  },
  deleteChat: {
    method: "DELETE",
    path: "/public/v1/chat/{message_id}",
    scope: "moderation:chat_message:manage",
    input: DeleteChatInput,
    output: null,
    send: "query",
  },
} as const satisfies EndpointTable;
