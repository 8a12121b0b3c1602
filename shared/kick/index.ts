/**
 * The Kick client: everything a Worker needs to talk to Kick, from one import, except the
 * endpoint groups, which each Worker imports from `schemas/` so that it bundles only those.
 */
export * from "./errors";
export { KICK_LIMITS } from "./limits";
export { KICK_SCOPES, ALL_KICK_SCOPES, hasScope, parseScopes, type KickScope } from "./scopes";
export { kickConfigFromEnv, DEFAULT_API_BASE, DEFAULT_ID_BASE, type KickConfig, type KickEnv } from "./config";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retryPolicy";
export type { Endpoint, EndpointName, EndpointTable } from "./endpoints";
export { kickClient, type ClientOf, type KickClient } from "./client";
export { callEndpoint, type Page } from "./callEndpoint";
export { paginate } from "./paginate";
export { staticToken, type TokenSource } from "./tokenSource";
export { createPkcePair, pkceChallenge, type PkcePair } from "./oauth/createPkcePair";
export { buildAuthorizeUrl, type AuthorizeParams } from "./oauth/buildAuthorizeUrl";
export { exchangeCode, refreshToken, getAppToken } from "./oauth/tokens";
export { revokeToken } from "./oauth/revokeToken";
export { introspectToken } from "./oauth/introspectToken";
export type { EventType } from "./schemas/events";
export type { WebhookPayload } from "./schemas/webhookPayloads";
export type { Livestream } from "./schemas/livestreams";
export type { Channel } from "./schemas/channels";
export type { Leaderboard } from "./schemas/kicks";
