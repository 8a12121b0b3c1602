import type { Capability } from "./capabilities";

/** Each capability in words a streamer picks on the connect page. */
export const CAPABILITY_WORDS: Record<Capability, { label: string; why: string }> = {
  announce: { label: "Go-live announcements", why: "Posts your announcement in chat when you go live" },
  chat: { label: "Chat", why: "Sends and replies to chat messages" },
  chat_moderation: { label: "Delete chat messages", why: "Removes messages from your chat" },
  channel: { label: "Title, category and tags", why: "Changes your stream info" },
  moderation: { label: "Bans and timeouts", why: "Bans, times out and unbans chatters" },
  rewards: { label: "Channel-point rewards", why: "Manages rewards and accepts or rejects redemptions" },
  kicks: { label: "KICKs leaderboard", why: "Reads who gifted the most KICKs" },
  events: { label: "Event webhooks", why: "Subscribes to your channel's events (follows, subs, going live)" },
  overlay: { label: "OBS overlays only (read-only)", why: "Shows the KICKs leaderboard and alerts in OBS" },
};
