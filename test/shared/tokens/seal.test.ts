import { describe, expect, it } from "vitest";
import { keyRing, SealError } from "../../../shared/tokens/encryptionKeys";
import { seal, sealedWithOldKey, unseal } from "../../../shared/tokens/seal";

const keyOf = (fill: number) => btoa(String.fromCharCode(...new Uint8Array(32).fill(fill)));
const OLD = keyOf(1);
const NEW = keyOf(2);

describe("sealing token records", () => {
  it("round-trips, with a fresh IV every time", async () => {
    const ring = await keyRing({ TOKEN_ENCRYPTION_KEY: NEW });
    const a = await seal(ring, "secret", "kick-account:1");
    const b = await seal(ring, "secret", "kick-account:1");
    expect(a).not.toBe(b);
    expect(a).not.toContain("secret");
    expect(a).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(await unseal(ring, a, "kick-account:1")).toBe("secret");
  });

  it("does not open for another account (the id is bound as additional data)", async () => {
    const ring = await keyRing({ TOKEN_ENCRYPTION_KEY: NEW });
    const sealed = await seal(ring, "secret", "kick-account:1");
    await expect(unseal(ring, sealed, "kick-account:2")).rejects.toBeInstanceOf(SealError);
  });

  it("detects tampering", async () => {
    const ring = await keyRing({ TOKEN_ENCRYPTION_KEY: NEW });
    const sealed = await seal(ring, "secret", "ctx");
    const flipped = sealed.slice(0, -2) + (sealed.endsWith("A") ? "BA" : "AA");
    await expect(unseal(ring, flipped, "ctx")).rejects.toBeInstanceOf(SealError);
  });

  it("keeps old records readable after a key rotation, and says they need re-sealing", async () => {
    const before = await keyRing({ TOKEN_ENCRYPTION_KEY: OLD });
    const sealed = await seal(before, "secret", "ctx");
    const after = await keyRing({ TOKEN_ENCRYPTION_KEY: NEW, TOKEN_ENCRYPTION_KEYS_OLD: OLD });
    expect(sealedWithOldKey(after, sealed)).toBe(true);
    expect(await unseal(after, sealed, "ctx")).toBe("secret");
    const resealed = await seal(after, "secret", "ctx");
    expect(sealedWithOldKey(after, resealed)).toBe(false);
    const forgotten = await keyRing({ TOKEN_ENCRYPTION_KEY: NEW });
    await expect(unseal(forgotten, sealed, "ctx")).rejects.toThrow(/TOKEN_ENCRYPTION_KEYS_OLD/);
  });

  it("refuses a missing or wrong-sized key with a message that says how to fix it", async () => {
    await expect(keyRing({})).rejects.toThrow(/TOKEN_ENCRYPTION_KEY is not set/);
    await expect(keyRing({ TOKEN_ENCRYPTION_KEY: btoa("short") })).rejects.toThrow(/32 bytes/);
  });
});
