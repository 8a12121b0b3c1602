import { base64url, randomToken } from "../../encoding";

export interface PkcePair {
  /** 64 base64url characters from 48 CSPRNG bytes (RFC 7636 allows 43..128). */
  verifier: string;
  /** base64url(SHA-256(verifier)), sent with `code_challenge_method=S256`. */
  challenge: string;
}

export async function createPkcePair(): Promise<PkcePair> {
  const verifier = randomToken(48);
  return { verifier, challenge: await pkceChallenge(verifier) };
}

export async function pkceChallenge(verifier: string): Promise<string> {
  return base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
}
