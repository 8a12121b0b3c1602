import type { KickConfig } from "../config";
import { tokenRequest } from "./tokenRequest";

/**
 * Trades a refresh token for a new access token and a new refresh token. Kick rotates the
 * refresh token: persist the returned one before using the access token.
 */
export function refreshToken(config: KickConfig, refreshTokenValue: string) {
  return tokenRequest(config, "refreshToken", { grant_type: "refresh_token", refresh_token: refreshTokenValue });
}
