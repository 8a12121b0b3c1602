import type { KickConfig } from "../config";
import { tokenRequest } from "./tokenRequest";

/** Trades the authorization code for tokens (server side: it needs the client secret). */
export function exchangeCode(config: KickConfig, p: { code: string; redirectUri: string; codeVerifier: string }) {
  return tokenRequest(config, "exchangeCode", {
    grant_type: "authorization_code",
    code: p.code,
    redirect_uri: p.redirectUri,
    code_verifier: p.codeVerifier,
  });
}
