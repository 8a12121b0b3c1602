import type { KickContext } from "./KickContext";

export interface LiveStream {
  title: string;
  category: string;
  viewers: number;
  url: string;
  started_at: string;
  channel: string;
}

/** The account's live stream as `/users/livestreams` reports it, or null when offline. */
export async function liveStream(ctx: KickContext): Promise<LiveStream | null> {
  const [stream] = await ctx.kick.getUsersLivestreams({ user_id: [ctx.account.id] });
  if (!stream) return null;
  const slug = stream.channel?.slug ?? ctx.account.username;
  return {
    title: stream.title ?? "",
    category: stream.category?.name ?? "",
    viewers: stream.viewer_count ?? 0,
    url: `https://kick.com/${slug}`,
    started_at: stream.started_at ?? "",
    channel: slug,
  };
}
