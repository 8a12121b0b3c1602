import { isoAt } from "./context";
import type { EmulatorCategory, EmulatorChannel, EmulatorReward, EmulatorState, EmulatorUser } from "./state";

/** How Kick renders each thing in its answers. */
export const ZERO_TIME = "0001-01-01T00:00:00Z";

export function userView(user: EmulatorUser, self: boolean) {
  // Kick leaves email empty for anyone but the token's own user (docs/kick-api.md §3.2).
  return {
    user_id: user.user_id,
    name: user.name,
    email: self ? user.email : "",
    profile_picture: user.profile_picture,
  };
}

export function categoryRef(state: EmulatorState, id: number) {
  const c = state.categories.find((x) => x.id === id);
  return { id: c?.id ?? 0, name: c?.name ?? "", thumbnail: c?.thumbnail ?? "" };
}

/** An offline channel still has a `stream`, zero-valued, and a zero category (docs/kick-api.md §3.2). */
export function channelView(state: EmulatorState, c: EmulatorChannel, withStreamKey: boolean) {
  return {
    broadcaster_user_id: c.broadcaster_user_id,
    slug: c.slug,
    channel_description: c.channel_description,
    banner_picture: c.banner_picture,
    stream_title: c.stream_title,
    category: c.is_live ? categoryRef(state, c.category_id) : { id: 0, name: "", thumbnail: "" },
    stream: {
      url: withStreamKey ? "rtmps://fa723fc1b171.global-contribute.live-video.net" : "",
      key: withStreamKey ? c.stream_key : "",
      is_live: c.is_live,
      is_mature: c.is_live ? c.is_mature : false,
      language: c.is_live ? c.language : "",
      start_time: c.is_live && c.started_at ? c.started_at : ZERO_TIME,
      viewer_count: c.is_live ? c.viewer_count : 0,
      thumbnail: c.is_live ? `https://images.kick.com/video_thumbnails/${c.slug}/emulator.webp` : "",
      custom_tags: c.custom_tags,
    },
    active_subscribers_count: c.active_subscribers_count,
    canceled_subscribers_count: c.canceled_subscribers_count,
  };
}

/** A live channel as `/public/v2/livestreams` and `/users/livestreams` show it. */
export function livestreamView(state: EmulatorState, c: EmulatorChannel) {
  const user = state.users.find((u) => u.user_id === c.broadcaster_user_id);
  return {
    id: `ls_${c.broadcaster_user_id}_${Date.parse(c.started_at ?? ZERO_TIME)}`,
    broadcaster_user: {
      id: c.broadcaster_user_id,
      username: user?.name ?? c.slug,
      profile_picture: user?.profile_picture ?? "",
    },
    channel: { slug: c.slug },
    category: categoryRef(state, c.category_id),
    title: c.stream_title,
    language_code: c.language,
    has_mature_content: c.is_mature,
    started_at: c.started_at,
    tags: c.custom_tags,
    thumbnail: `https://images.kick.com/video_thumbnails/${c.slug}/emulator.webp`,
    viewer_count: c.viewer_count,
  };
}

export function livestreamV1View(state: EmulatorState, c: EmulatorChannel) {
  const user = state.users.find((u) => u.user_id === c.broadcaster_user_id);
  return {
    broadcaster_user_id: c.broadcaster_user_id,
    channel_id: c.broadcaster_user_id,
    slug: c.slug,
    stream_title: c.stream_title,
    language: c.language,
    has_mature_content: c.is_mature,
    viewer_count: c.viewer_count,
    started_at: c.started_at,
    thumbnail: `https://images.kick.com/video_thumbnails/${c.slug}/emulator.webp`,
    profile_picture: user?.profile_picture ?? "",
    category: categoryRef(state, c.category_id),
    custom_tags: c.custom_tags,
  };
}

export function categoryView(c: EmulatorCategory) {
  return { id: c.id, name: c.name, thumbnail: c.thumbnail, tags: c.tags };
}

export function rewardView(r: EmulatorReward) {
  const { broadcaster_user_id: _b, created_by: _c, is_deleted: _d, ...rest } = r;
  return rest;
}

/** Offset cursors, opaque to callers as Kick's are. */
export const encodeCursor = (offset: number) => btoa(`o:${offset}`);
export function decodeCursor(cursor: string | undefined): number | null {
  if (!cursor) return 0;
  try {
    const match = /^o:(\d+)$/.exec(atob(cursor));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Start of the calendar week (Monday) and month, UTC, for the KICKs leaderboard periods. */
export function periodStarts(now: number): { week: number; month: number } {
  const d = new Date(now);
  const day = (d.getUTCDay() + 6) % 7;
  const week = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day);
  const month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return { week, month };
}

export { isoAt };
