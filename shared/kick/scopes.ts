/** Every scope Kick grants (docs/kick-api.md §2.5), with what it is for, for consent pages and errors. */
export const KICK_SCOPES = {
  "user:read": "Read the account's user info",
  "channel:read": "Read channel info",
  "channel:write": "Change the stream title, category and tags",
  "channel:rewards:read": "Read channel-point rewards and redemptions",
  "channel:rewards:write": "Create, edit and delete rewards; accept and reject redemptions",
  "chat:write": "Send chat messages",
  "streamkey:read": "Read the stream URL and key",
  "events:subscribe": "Subscribe to channel events (webhooks)",
  "moderation:ban": "Ban, time out and unban chatters",
  "moderation:chat_message:manage": "Delete chat messages",
  "kicks:read": "Read the KICKs leaderboard",
} as const;

export type KickScope = keyof typeof KICK_SCOPES;

// Pure: a Worker that never reads the list (or the words above) leaves both out of its bundle.
export const ALL_KICK_SCOPES = /* @__PURE__ */ Object.keys(KICK_SCOPES) as KickScope[];

/** A scope that is satisfied by another (Kick: rewards:write "also satisfies the reads"). */
export const IMPLIED_BY: Partial<Record<KickScope, KickScope>> = {
  "channel:rewards:read": "channel:rewards:write",
};

export function hasScope(granted: readonly string[], needed: KickScope): boolean {
  const alt = IMPLIED_BY[needed];
  return granted.includes(needed) || (alt !== undefined && granted.includes(alt));
}

export function parseScopes(scope: string | null | undefined): string[] {
  return (scope ?? "").split(/\s+/).filter(Boolean);
}
