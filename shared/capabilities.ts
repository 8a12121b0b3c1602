import type { KickScope } from "./kick/scopes";

/**
 * What a connected account (and an automation key) may do, each mapped to the fewest Kick
 * scopes it needs. The words a streamer reads are in capabilityWords.ts (only pages need them).
 */
export const CAPABILITIES = {
  announce: { scopes: ["chat:write", "channel:read"] },
  chat: { scopes: ["chat:write"] },
  chat_moderation: { scopes: ["moderation:chat_message:manage"] },
  channel: { scopes: ["channel:read", "channel:write"] },
  moderation: { scopes: ["moderation:ban"] },
  rewards: { scopes: ["channel:rewards:write"] },
  kicks: { scopes: ["kicks:read"] },
  events: { scopes: ["events:subscribe"] },
  // A key-only capability: such a key shows the OBS overlays (leaderboard, alerts) and can do nothing else.
  overlay: { scopes: ["kicks:read"], keyOnly: true },
} as const satisfies Record<string, { scopes: readonly KickScope[]; keyOnly?: true }>;

export type Capability = keyof typeof CAPABILITIES;
// Pure: a Worker that never lists capabilities leaves these out of its bundle.
export const ALL_CAPABILITIES = /* @__PURE__ */ Object.keys(CAPABILITIES) as Capability[];
/** What a connection is asked for (key-only capabilities need no scope of their own). */
export const CONNECT_CAPABILITIES = /* @__PURE__ */ ALL_CAPABILITIES.filter((c) => !("keyOnly" in CAPABILITIES[c]));

/** Every connection needs to identify its account. */
export const BASE_SCOPES: readonly KickScope[] = ["user:read"];

// Own keys only: "constructor" or "toString" are in every object, and are no capability.
export const isCapability = (name: string): name is Capability => Object.hasOwn(CAPABILITIES, name);

export function scopesFor(capabilities: readonly Capability[]): KickScope[] {
  return [...new Set([...BASE_SCOPES, ...capabilities.flatMap((c) => CAPABILITIES[c].scopes)])];
}

/** The capabilities a set of granted scopes fully covers (`withKeyOnly`: the overlay too). */
export function capabilitiesGranted(scopes: readonly string[], withKeyOnly = false): Capability[] {
  const granted = new Set(scopes);
  if (granted.has("channel:rewards:write")) granted.add("channel:rewards:read");
  return (withKeyOnly ? ALL_CAPABILITIES : CONNECT_CAPABILITIES).filter((c) =>
    CAPABILITIES[c].scopes.every((s) => granted.has(s)),
  );
}
