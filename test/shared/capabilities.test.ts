import { describe, expect, it } from "vitest";
import {
  ALL_CAPABILITIES,
  BASE_SCOPES,
  CAPABILITIES,
  CONNECT_CAPABILITIES,
  capabilitiesGranted,
  isCapability,
  scopesFor,
  type Capability,
} from "../../shared/capabilities";
import { CAPABILITY_WORDS } from "../../shared/capabilityWords";
import { ALL_KICK_SCOPES, hasScope, IMPLIED_BY, KICK_SCOPES } from "../../shared/kick/scopes";

describe("scopesFor: what a connection asks Kick for", () => {
  it("always asks for user:read, to know whose account it is", () => {
    expect(BASE_SCOPES).toEqual(["user:read"]);
    expect(scopesFor([])).toEqual(["user:read"]);
  });

  it("asks for the fewest scopes of each capability", () => {
    expect(scopesFor(["chat"])).toEqual(["user:read", "chat:write"]);
    expect(scopesFor(["announce"])).toEqual(["user:read", "chat:write", "channel:read"]);
    expect(scopesFor(["channel"])).toEqual(["user:read", "channel:read", "channel:write"]);
    expect(scopesFor(["rewards"])).toEqual(["user:read", "channel:rewards:write"]);
    expect(scopesFor(["moderation"])).toEqual(["user:read", "moderation:ban"]);
    expect(scopesFor(["chat_moderation"])).toEqual(["user:read", "moderation:chat_message:manage"]);
    expect(scopesFor(["kicks"])).toEqual(["user:read", "kicks:read"]);
    expect(scopesFor(["events"])).toEqual(["user:read", "events:subscribe"]);
  });

  it("names each scope once, in the order first needed", () => {
    expect(scopesFor(["announce", "chat", "channel"])).toEqual([
      "user:read",
      "chat:write",
      "channel:read",
      "channel:write",
    ]);
  });

  it("never asks for streamkey:read, nor for a rewards:read that rewards:write covers", () => {
    const everything = scopesFor(ALL_CAPABILITIES);
    expect(everything).not.toContain("streamkey:read");
    expect(everything).not.toContain("channel:rewards:read");
  });

  it("asks only for scopes Kick has", () => {
    for (const scope of scopesFor(ALL_CAPABILITIES)) expect(ALL_KICK_SCOPES).toContain(scope);
  });
});

describe("capabilitiesGranted: what the scopes Kick granted allow", () => {
  it("grants a capability only when every scope it needs was granted", () => {
    expect(capabilitiesGranted(["user:read", "chat:write"])).toEqual(["chat"]);
    expect(capabilitiesGranted(["user:read", "chat:write", "channel:read"])).toEqual(["announce", "chat"]);
    expect(capabilitiesGranted(["channel:write"])).toEqual([]);
  });

  it("grants nothing for no scopes, or for words Kick does not have", () => {
    expect(capabilitiesGranted([])).toEqual([]);
    expect(capabilitiesGranted(["chat:read", "channels:read", "rewards"])).toEqual([]);
  });

  it("rewards needs rewards:write; rewards:read alone is not enough", () => {
    expect(capabilitiesGranted(["channel:rewards:read"])).toEqual([]);
    expect(capabilitiesGranted(["channel:rewards:write"])).toEqual(["rewards"]);
  });

  it("leaves key-only capabilities (the overlay) out, unless asked for them", () => {
    expect(capabilitiesGranted(["kicks:read"])).toEqual(["kicks"]);
    expect(capabilitiesGranted(["kicks:read"], true)).toEqual(["kicks", "overlay"]);
    expect(CONNECT_CAPABILITIES).not.toContain("overlay");
  });

  it("all of Kick's scopes grant every capability a connection can have, in table order", () => {
    expect(capabilitiesGranted(ALL_KICK_SCOPES)).toEqual(CONNECT_CAPABILITIES);
    expect(capabilitiesGranted(ALL_KICK_SCOPES, true)).toEqual(ALL_CAPABILITIES);
  });

  it("round-trips: asking for capabilities and being granted those scopes gives them back", () => {
    for (const c of CONNECT_CAPABILITIES) expect(capabilitiesGranted(scopesFor([c])), c).toContain(c);
    const picked: Capability[] = ["announce", "moderation", "rewards"];
    expect(capabilitiesGranted(scopesFor(picked))).toEqual(expect.arrayContaining(picked));
  });

  it("does not change the scope list it was given", () => {
    const scopes = ["channel:rewards:write"];
    capabilitiesGranted(scopes);
    expect(scopes).toEqual(["channel:rewards:write"]);
  });

  it("every capability has words for the connect page", () => {
    expect(Object.keys(CAPABILITY_WORDS).sort()).toEqual(Object.keys(CAPABILITIES).sort());
  });
});

describe("hasScope: channel:rewards:write implies channel:rewards:read", () => {
  it("a token with rewards:write may read rewards and redemptions", () => {
    expect(IMPLIED_BY["channel:rewards:read"]).toBe("channel:rewards:write");
    expect(hasScope(["channel:rewards:write"], "channel:rewards:read")).toBe(true);
  });

  it("the implication runs one way only", () => {
    expect(hasScope(["channel:rewards:read"], "channel:rewards:write")).toBe(false);
  });

  it("no other scope implies another", () => {
    expect(Object.keys(IMPLIED_BY)).toEqual(["channel:rewards:read"]);
    expect(hasScope(["channel:write"], "channel:read")).toBe(false);
    expect(hasScope(["moderation:ban"], "moderation:chat_message:manage")).toBe(false);
  });

  it("a granted scope satisfies itself; nothing satisfies a scope not granted", () => {
    for (const scope of ALL_KICK_SCOPES) {
      expect(hasScope([scope], scope)).toBe(true);
      expect(hasScope([], scope)).toBe(false);
    }
    expect(Object.keys(KICK_SCOPES)).toHaveLength(11);
  });
});

describe("isCapability: only the capabilities themselves", () => {
  it("accepts each capability and refuses names every object has", () => {
    for (const name of ALL_CAPABILITIES) expect(isCapability(name)).toBe(true);
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty", "", "Chat"])
      expect(isCapability(name), name).toBe(false);
  });
});
