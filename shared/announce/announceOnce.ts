import * as z from "zod/mini";
import { KICK_LIMITS } from "../kick/limits";
import { codePointLength, nonEmptyText } from "../kick/schemas/common";
import { MessageTooLongError, NotLiveError } from "./errors";
import type { KickContext } from "./KickContext";
import { liveStream, type LiveStream } from "./liveStream";
import { speaker } from "./speaker";
import { announceRules, announcements } from "../storage/rulesStore";

export const PLACEHOLDERS = ["title", "category", "viewers", "url", "started_at", "channel"] as const;
/** An announcement template as callers send it: chat-sized, with known placeholders only. */
export const announceTemplate = () =>
  nonEmptyText(KICK_LIMITS.chatContentMax).check(
    z.refine(
      (t) => [...t.matchAll(/\{(\w+)\}/g)].every((m) => (PLACEHOLDERS as readonly string[]).includes(m[1]!)),
      `may use only ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
    ),
  );
export const DEFAULT_TEMPLATE = "We're live: {title} ({category}) → {url}";

/** Fills `{title}` and friends from the live stream. */
export const renderTemplate = (template: string, live: LiveStream) =>
  template.replace(/\{(\w+)\}/g, (_, name: keyof LiveStream) =>
    Object.hasOwn(live, name) ? String(live[name] ?? "") : "",
  );

/**
 * Posts the go-live message once per stream session: the first caller (button, Zap replay,
 * cron detector, webhook) claims the session in D1; later ones are told it was done.
 */
export async function announceOnce(
  ctx: KickContext & { input: { message?: string; force?: boolean; as?: "broadcaster" | "bot" } },
  source: string,
) {
  const live = await liveStream(ctx);
  if (!live && !ctx.input.force) throw new NotLiveError();
  const stream = live ?? {
    title: "",
    category: "",
    viewers: 0,
    url: `https://kick.com/${ctx.account.username}`,
    started_at: "",
    channel: ctx.account.username,
  };
  const template = await announceRules.template(ctx.env.DB, ctx.account.id);
  const message = renderTemplate(ctx.input.message ?? template ?? DEFAULT_TEMPLATE, stream);
  if (codePointLength(message) > KICK_LIMITS.chatContentMax)
    throw new MessageTooLongError(codePointLength(message), KICK_LIMITS.chatContentMax);
  if (live) {
    const claimed = await announcements.claim(ctx.env.DB, {
      accountId: ctx.account.id,
      streamStartedAt: live.started_at,
      claimedAt: ctx.now,
      source,
    });
    if (!claimed) return { posted: false, reason: "already_announced", stream_started_at: live.started_at };
  }
  const kick = await speaker(ctx);
  try {
    const sent = await kick.sendChat({ type: "user", broadcaster_user_id: ctx.account.id, content: message });
    if (live) await announcements.recordMessage(ctx.env.DB, ctx.account.id, live.started_at, sent.message_id ?? null);
    return { posted: true, message, message_id: sent.message_id, stream_started_at: live?.started_at ?? null };
  } catch (error) {
    // Not posted: free the session so the next press can try again.
    if (live) await announcements.release(ctx.env.DB, ctx.account.id, live.started_at);
    throw error;
  }
}
