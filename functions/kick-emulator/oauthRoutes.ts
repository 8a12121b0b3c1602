import { randomToken } from "../../shared/encoding";
import { pkceChallenge } from "../../shared/kick/oauth/createPkcePair";
import { KICK_SCOPES } from "../../shared/kick/scopes";
import { consentPage } from "./consentPage";
import type { Ctx } from "./context";
import { envelope, oauthError, readForm } from "./http";
import { bearer, issueAppToken, issueUserTokens } from "./tokens";
import type { OAuthClient } from "./state";

type Checked = { ok: true; client: OAuthClient; params: URLSearchParams } | { ok: false; response: Response };

/** Kick answers every bad authorize request with the same terse body; the description is ours. */
const invalidRequest = (why: string) =>
  Response.json({ error: "Invalid request", error_description: why }, { status: 400 });

function checkAuthorize(ctx: Ctx, params: URLSearchParams): Checked {
  const client = ctx.state.clients.find((c) => c.client_id === params.get("client_id"));
  if (!client) return { ok: false, response: invalidRequest("unknown client_id") };
  if (params.get("response_type") !== "code")
    return { ok: false, response: invalidRequest("response_type must be code") };
  const redirect = params.get("redirect_uri") ?? "";
  if (!client.redirect_uris.includes(redirect))
    return { ok: false, response: invalidRequest(`redirect_uri does not match the app's callback URL exactly`) };
  if (!params.get("state")) return { ok: false, response: invalidRequest("state is required") };
  const scopes = (params.get("scope") ?? "").split(" ").filter(Boolean);
  if (scopes.length === 0) return { ok: false, response: invalidRequest("scope is required") };
  const unknown = scopes.filter((s) => !(s in KICK_SCOPES));
  if (unknown.length) return { ok: false, response: invalidRequest(`unknown scope ${unknown.join(", ")}`) };
  if (!/^[A-Za-z0-9_-]{43,128}$/.test(params.get("code_challenge") ?? ""))
    return { ok: false, response: invalidRequest("code_challenge is required (PKCE)") };
  if (params.get("code_challenge_method") !== "S256")
    return { ok: false, response: invalidRequest("code_challenge_method must be S256") };
  return { ok: true, client, params };
}

function redirectWith(redirectUri: string, fields: Record<string, string>): Response {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(fields)) url.searchParams.set(k, v);
  return Response.redirect(url.toString(), 302);
}

function approve(ctx: Ctx, client: OAuthClient, params: URLSearchParams, userId: number): Response {
  const code = randomToken(24);
  ctx.state.codes[code] = {
    client_id: client.client_id,
    user_id: userId,
    redirect_uri: params.get("redirect_uri")!,
    scopes: params.get("scope")!.split(" ").filter(Boolean),
    challenge: params.get("code_challenge")!,
    expires_at: ctx.now + ctx.state.settings.code_ttl * 1000,
    used: false,
    issued: [],
  };
  return redirectWith(params.get("redirect_uri")!, { code, state: params.get("state")! });
}

/** GET /oauth/authorize: the consent page (or an instant approval when auto-approve is on). */
export function authorize(ctx: Ctx): Response {
  // Kick's frontend rewrites the first "127.0.0.1" in the URL to "localhost" (docs/kick-api.md §2.1).
  const params = new URLSearchParams(ctx.url.search.replace("127.0.0.1", "localhost"));
  const checked = checkAuthorize(ctx, params);
  if (!checked.ok) return checked.response;
  if (ctx.state.settings.auto_approve) return approve(ctx, checked.client, params, ctx.state.session_user_id);
  return consentPage(checked.client, params, ctx.state.users, ctx.state.session_user_id);
}

/** POST /oauth/authorize: the Approve or Deny button. */
export async function decide(ctx: Ctx): Promise<Response> {
  const form = await readForm(ctx.request);
  const decision = form.get("decision");
  const userId = Number(form.get("user_id") ?? ctx.state.session_user_id);
  form.delete("decision");
  form.delete("user_id");
  const checked = checkAuthorize(ctx, form);
  if (!checked.ok) return checked.response;
  if (decision !== "approve") {
    return redirectWith(form.get("redirect_uri")!, {
      error: "access_denied",
      error_description: "The user denied the request",
      state: form.get("state")!,
    });
  }
  if (!ctx.state.users.some((u) => u.user_id === userId)) return invalidRequest("unknown user");
  return approve(ctx, checked.client, form, userId);
}

const invalidGrant = (why: string) =>
  oauthError(
    400,
    "invalid_grant",
    `The provided authorization grant or refresh token is invalid, expired, revoked, does not match the redirection URI, or was issued to another client (${why})`,
  );

/** POST /oauth/token: authorization_code (with PKCE), refresh_token (rotating), client_credentials. */
export async function token(ctx: Ctx): Promise<Response> {
  const form = await readForm(ctx.request.clone());
  const userOf = () =>
    ctx.state.refresh_tokens[form.get("refresh_token") ?? ""]?.user_id ??
    ctx.state.codes[form.get("code") ?? ""]?.user_id ??
    null;
  const userId = userOf();
  const response = await tokenGrant(ctx);
  ctx.state.grant_seq += 1;
  ctx.state.grants[String(ctx.state.grant_seq).padStart(10, "0")] = {
    at: ctx.now,
    grant: form.get("grant_type") ?? "",
    user_id: userId,
    status: response.status,
  };
  return response;
}

async function tokenGrant(ctx: Ctx): Promise<Response> {
  if (!(ctx.request.headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded")) {
    return oauthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
  }
  const form = await readForm(ctx.request);
  const client = ctx.state.clients.find((c) => c.client_id === form.get("client_id"));
  if (!client || client.client_secret !== form.get("client_secret"))
    return oauthError(401, "invalid_client", "Client authentication failed");
  const grant = form.get("grant_type");
  const { state, now } = ctx;

  if (grant === "authorization_code") {
    const codeValue = form.get("code") ?? "";
    const verifier = form.get("code_verifier") ?? "";
    // Hash before touching the code so the check-and-spend below runs without a pause.
    const challenge = verifier ? await pkceChallenge(verifier) : "";
    const code = state.codes[codeValue];
    if (!code || code.client_id !== client.client_id) return invalidGrant("unknown code");
    if (code.used) {
      for (const t of code.issued) {
        const access = state.access_tokens[t];
        if (access) access.revoked = true;
        const refresh = access?.refresh_token ? state.refresh_tokens[access.refresh_token] : undefined;
        if (refresh) refresh.revoked = true;
      }
      return invalidGrant("code already used");
    }
    if (code.expires_at <= now) return invalidGrant("code expired");
    if (form.get("redirect_uri") !== code.redirect_uri) return invalidGrant("redirect_uri mismatch");
    if (!verifier) return oauthError(400, "invalid_request", "code_verifier is required");
    if (challenge !== code.challenge) return invalidGrant("code_verifier does not match code_challenge");
    code.used = true;
    const tokens = issueUserTokens(state, client.client_id, code.user_id, code.scopes, now);
    code.issued = [...code.issued, tokens.access_token];
    return Response.json(tokens);
  }

  if (grant === "refresh_token") {
    const record = state.refresh_tokens[form.get("refresh_token") ?? ""];
    if (!record || record.revoked || record.client_id !== client.client_id)
      return invalidGrant("unknown or revoked refresh token");
    if (record.expires_at <= now) return invalidGrant("refresh token expired");
    if (record.used_at !== null && now - record.used_at >= state.settings.refresh_grace * 1000)
      return invalidGrant("refresh token already used");
    record.used_at ??= now;
    return Response.json(issueUserTokens(state, client.client_id, record.user_id, record.scopes, now));
  }

  if (grant === "client_credentials") return Response.json(issueAppToken(state, client.client_id, now));
  return oauthError(400, "unsupported_grant_type", `grant_type ${grant ?? "(missing)"} is not supported`);
}

/** POST /oauth/revoke?token=…&token_hint_type=… (Kick's documented spelling; the RFC's is accepted too). */
export async function revoke(ctx: Ctx): Promise<Response> {
  const body = await readForm(ctx.request);
  const value = ctx.url.searchParams.get("token") ?? body.get("token");
  if (!value) return oauthError(400, "invalid_request", "token is required");
  const access = ctx.state.access_tokens[value];
  if (access) access.revoked = true;
  const refresh = ctx.state.refresh_tokens[value];
  if (refresh) {
    refresh.revoked = true;
    const issued = ctx.state.access_tokens[refresh.access_token];
    if (issued) issued.revoked = true;
  }
  return new Response(null, { status: 200 });
}

/** POST /oauth/token/introspect (and the deprecated api-host path). */
export function introspect(ctx: Ctx): Response {
  const found = bearer(ctx.state, ctx.request, ctx.now);
  if (!found) return envelope({ active: false });
  const { record } = found;
  return envelope({
    active: true,
    client_id: record.client_id,
    token_type: record.user_id === null ? "app" : "user",
    scope: record.scopes.join(" "),
    exp: Math.floor(record.expires_at / 1000),
  });
}
