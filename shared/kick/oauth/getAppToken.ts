import type { KickConfig } from "../config";
import { tokenRequest } from "./tokenRequest";

/** An app access token (client credentials): no user, no refresh token; cache it until expiry. */
export function getAppToken(config: KickConfig) {
  return tokenRequest(config, "getAppToken", { grant_type: "client_credentials" });
}
