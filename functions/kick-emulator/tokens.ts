import { randomToken } from "../../shared/encoding";
import type { AccessTokenRecord, EmulatorState } from "./state";

/** Kick's tokens are 48-character opaque strings. */
const newToken = () => randomToken(36);

export function issueUserTokens(state: EmulatorState, clientId: string, userId: number, scopes: string[], now: number) {
  const access_token = newToken();
  const refresh_token = newToken();
  const { access_token_ttl, refresh_token_ttl } = state.settings;
  state.access_tokens[access_token] = {
    client_id: clientId,
    user_id: userId,
    scopes,
    expires_at: now + access_token_ttl * 1000,
    revoked: false,
    refresh_token,
  };
  state.refresh_tokens[refresh_token] = {
    client_id: clientId,
    user_id: userId,
    scopes,
    expires_at: now + refresh_token_ttl * 1000,
    used_at: null,
    revoked: false,
    access_token,
  };
  return { access_token, token_type: "Bearer", refresh_token, expires_in: access_token_ttl, scope: scopes.join(" ") };
}

export function issueAppToken(state: EmulatorState, clientId: string, now: number) {
  const access_token = newToken();
  const ttl = state.settings.app_token_ttl;
  state.access_tokens[access_token] = {
    client_id: clientId,
    user_id: null,
    scopes: [],
    expires_at: now + ttl * 1000,
    revoked: false,
    refresh_token: null,
  };
  return { access_token, token_type: "Bearer", expires_in: ttl };
}

/** The live access token named by an `Authorization: Bearer` header, or null. */
export function bearer(
  state: EmulatorState,
  request: Request,
  now: number,
): { token: string; record: AccessTokenRecord } | null {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  const record = match ? state.access_tokens[match[1]!] : undefined;
  if (!match || !record || record.revoked || record.expires_at <= now) return null;
  return { token: match[1]!, record };
}
