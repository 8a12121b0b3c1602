/**
 * How the client gets a token. `refresh` is the seam for the refresh design: after a 401
 * the client calls it once with the token Kick refused and retries with what it returns.
 */
export interface TokenSource {
  getToken(): Promise<string>;
  refresh?(rejected: string): Promise<string>;
}

export function staticToken(token: string): TokenSource {
  return { getToken: async () => token };
}
