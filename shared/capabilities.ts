import type { KickScope } from "./kick/scopes";

/**
 * What a connected account (and an automation key) may do, in words a streamer picks on the
 * connect page, each mapped to the fewest Kick scopes it needs.
 */
export const CAPABILITIES = {
  announce: { label: "Go-live announcements", why: "Posts your announcement in chat when you go live", scopes: ["chat:write", "channel:read"] },
  chat: { label: "Chat", why: "Sends and replies to chat messages", scopes: ["chat:write"] },
  chat_moderation: { label: "Delete chat messages", why: "Removes messages from your chat", scopes: ["moderation:chat_message:manage"] },
  channel: { label: "Title, category and tags", why: "Changes your stream info", scopes: ["channel:read", "channel:write"] },
  moderation: { label: "Bans and timeouts", why: "Bans, times out and unbans chatters", scopes: ["moderation:ban"] },
  rewards: { label: "Channel-point rewards", why: "Manages rewards and accepts or rejects redemptions", scopes: ["channel:rewards:write"] },
  kicks: { label: "KICKs leaderboard", why: "Reads who gifted the most KICKs", scopes: ["kicks:read"] },
  events: { label: "Event webhooks", why: "Subscribes to your channel's events (follows, subs, going live)", scopes: ["events:subscribe"] },
  // A key-only capability: such a key shows the leaderboard overlay and can do nothing else.
  overlay: { label: "Leaderboard overlay only (read-only)", why: "Shows the KICKs leaderboard in OBS", scopes: ["kicks:read"], keyOnly: true },
} as const satisfies Record<string, { label: string; why: string; scopes: readonly KickScope[]; keyOnly?: true }>;

export type Capability = keyof typeof CAPABILITIES;
export const ALL_CAPABILITIES = Object.keys(CAPABILITIES) as Capability[];
/** What a connection is asked for (key-only capabilities need no scope of their own). */
export const CONNECT_CAPABILITIES = ALL_CAPABILITIES.filter((c) => !("keyOnly" in CAPABILITIES[c]));

/** Every connection needs to identify its account. */
export const BASE_SCOPES: readonly KickScope[] = ["user:read"];

export const isCapability = (name: string): name is Capability => name in CAPABILITIES;

export function scopesFor(capabilities: readonly Capability[]): KickScope[] {
  return [...new Set([...BASE_SCOPES, ...capabilities.flatMap((c) => CAPABILITIES[c].scopes)])];
}

/** The capabilities a set of granted scopes fully covers (`withKeyOnly`: the overlay too). */
export function capabilitiesGranted(scopes: readonly string[], withKeyOnly = false): Capability[] {
  const granted = new Set(scopes);
  if (granted.has("channel:rewards:write")) granted.add("channel:rewards:read");
  return (withKeyOnly ? ALL_CAPABILITIES : CONNECT_CAPABILITIES).filter((c) => CAPABILITIES[c].scopes.every((s) => granted.has(s)));
}
