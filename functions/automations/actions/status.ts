import * as z from "zod/mini";
import { defineAction } from "../Action";
import { automationsSettings } from "../settings";
import { liveStream } from "../../../shared/announce/liveStream";
import { linkedBot } from "../../../shared/storage/accountsStore";

export const whoami = defineAction({
  name: "whoami",
  summary: "Say who this key acts for",
  method: "GET",
  path: "/v1/whoami",
  capability: null,
  mutating: false,
  input: z.object({}),
  async run(ctx) {
    const a = ctx.account;
    // Keys act in their own account's channel; `bot` is who speaks there for as=bot.
    const bot = await linkedBot(ctx.env.DB, a.id);
    return {
      account: {
        id: a.id,
        username: a.username,
        role: a.role,
        needs_reconnect: a.needsReconnect,
        ...(a.needsReconnect
          ? { reconnect_reason: a.reconnectReason, reconnect_url: automationsSettings(ctx.env).reconnectUrl }
          : {}),
      },
      bot: bot && { id: bot.id, username: bot.username },
      key: { id: ctx.key.id, name: ctx.key.name, capabilities: ctx.key.capabilities, allow_get: ctx.key.allowGet },
    };
  },
  text: (d) => `${d.account.username}: ${d.key.capabilities.join(", ")}`,
});

export const status = defineAction({
  name: "status",
  summary: "Tell whether the channel is live, and what it streams",
  method: "GET",
  path: "/v1/status",
  capability: null,
  mutating: false,
  input: z.object({}),
  async run(ctx) {
    const live = await liveStream(ctx);
    // Which channel was asked about, offline too (live, Kick's answer names it).
    return live ? { live: true as const, ...live } : { live: false as const, channel: ctx.account.username };
  },
  text: (d) => (d.live ? `Live: ${d.title} (${d.category}, ${d.viewers} viewers)` : "Offline."),
});
