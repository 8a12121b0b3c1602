import { beforeEach, describe, expect, it } from "vitest";
import {
  buildAuthorizeUrl,
  createPkcePair,
  exchangeCode,
  getAppToken,
  introspectToken,
  KickInvalidGrantError,
  KickOAuthError,
  KickUpstreamError,
  pkceChallenge,
  refreshToken,
  revokeToken,
} from "../../../shared/kick/index";
import { control, KICK, kickFetch, requestsSeen, resetEmulator, testConfig } from "../../helpers/emulator";
import { consent, REDIRECT } from "../../helpers/oauthDance";

beforeEach(resetEmulator);

describe("PKCE", () => {
  it("computes the RFC 7636 Appendix B challenge", async () => {
    expect(await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("makes a fresh 64-character base64url verifier each time", async () => {
    const a = await createPkcePair();
    const b = await createPkcePair();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.challenge).toBe(await pkceChallenge(a.verifier));
  });
});

describe("authorize URL", () => {
  const base = {
    idBase: "https://id.kick.com",
    clientId: "cid",
    scopes: ["user:read", "chat:write"],
    state: "s1",
    codeChallenge: "c".repeat(43),
  };

  it("carries every parameter Kick requires", () => {
    const url = new URL(buildAuthorizeUrl({ ...base, redirectUri: "https://example.com/callback" }));
    expect(url.origin + url.pathname).toBe("https://id.kick.com/oauth/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: "cid",
      response_type: "code",
      redirect_uri: "https://example.com/callback",
      scope: "user:read chat:write",
      state: "s1",
      code_challenge: "c".repeat(43),
      code_challenge_method: "S256",
    });
  });

  it("puts a sacrificial 127.0.0.1 before redirect_uri so Kick's rewrite spares the real one", async () => {
    const redirectUri = "http://127.0.0.1:8787/callback";
    await control("POST", "/clients", {
      client_id: "emulator-client",
      client_secret: "emulator-secret",
      redirect_uris: [redirectUri],
    });
    const url = buildAuthorizeUrl({ ...base, idBase: KICK, clientId: "emulator-client", redirectUri });
    expect(url.indexOf("redirect=127.0.0.1")).toBeLessThan(url.indexOf("redirect_uri="));
    // The emulator rewrites the first 127.0.0.1 as Kick's frontend does: with the workaround the page opens...
    expect((await kickFetch(new Request(url))).status).toBe(200);
    // ...and without it the redirect no longer matches.
    const naive = url.replace("redirect=127.0.0.1&", "");
    const refused = await kickFetch(new Request(naive));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "Invalid request" });
  });
});

describe("code exchange", () => {
  it("trades an approved code for tokens with the granted scopes", async () => {
    const { code, pkce, location } = await consent({ scopes: ["user:read", "chat:write", "kicks:read"] });
    expect(location.searchParams.get("state")).toBe("state-123");
    const tokens = await exchangeCode(testConfig(), {
      code: code!,
      redirectUri: REDIRECT,
      codeVerifier: pkce.verifier,
    });
    expect(tokens.token_type).toBe("Bearer");
    expect(tokens.expires_in).toBe(7200);
    expect(tokens.access_token).toMatch(/^[A-Za-z0-9_-]{48}$/);
    expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{48}$/);
    expect(tokens.scope).toBe("user:read chat:write kicks:read");
  });

  it("refuses a wrong verifier, a wrong redirect, and a second use of the code", async () => {
    const { code, pkce } = await consent();
    const other = await createPkcePair();
    await expect(
      exchangeCode(testConfig(), { code: code!, redirectUri: REDIRECT, codeVerifier: other.verifier }),
    ).rejects.toBeInstanceOf(KickInvalidGrantError);
    await expect(
      exchangeCode(testConfig(), {
        code: code!,
        redirectUri: "http://localhost:8787/other",
        codeVerifier: pkce.verifier,
      }),
    ).rejects.toBeInstanceOf(KickInvalidGrantError);
    await exchangeCode(testConfig(), { code: code!, redirectUri: REDIRECT, codeVerifier: pkce.verifier });
    const replay = exchangeCode(testConfig(), { code: code!, redirectUri: REDIRECT, codeVerifier: pkce.verifier });
    await expect(replay).rejects.toMatchObject({ code: "invalid_grant", status: 400, oauthError: "invalid_grant" });
  });

  it("refuses an expired code", async () => {
    const { code, pkce } = await consent();
    await control("POST", "/clock", { advance_seconds: 601 });
    await expect(
      exchangeCode(testConfig(), { code: code!, redirectUri: REDIRECT, codeVerifier: pkce.verifier }),
    ).rejects.toBeInstanceOf(KickInvalidGrantError);
  });

  it("reports a wrong client secret as invalid_client, not invalid_grant", async () => {
    const { code, pkce } = await consent();
    const error = await exchangeCode(testConfig({ clientSecret: "wrong" }), {
      code: code!,
      redirectUri: REDIRECT,
      codeVerifier: pkce.verifier,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KickOAuthError);
    expect(error).not.toBeInstanceOf(KickInvalidGrantError);
    expect(error).toMatchObject({ oauthError: "invalid_client", status: 401 });
    expect(String((error as Error).message)).not.toContain("wrong");
  });

  it("sends denied consent back with error=access_denied", async () => {
    const { location, code } = await consent({ decision: "deny" });
    expect(code).toBeNull();
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("state-123");
  });

  it("turns a token endpoint outage or HTML page into an upstream error, without retrying the POST", async () => {
    const { code, pkce } = await consent();
    await control("DELETE", "/requests");
    await control("POST", "/faults", { method: "POST", path: "/oauth/token", status: 503, html: true });
    const error = await exchangeCode(testConfig(), {
      code: code!,
      redirectUri: REDIRECT,
      codeVerifier: pkce.verifier,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KickUpstreamError);
    expect(error).toMatchObject({ kind: "html_challenge", status: 503 });
    expect((await requestsSeen()).filter((r) => r.path === "/oauth/token")).toHaveLength(1);
  });
});

describe("refresh", () => {
  async function connected() {
    const { code, pkce } = await consent();
    return exchangeCode(testConfig(), { code: code!, redirectUri: REDIRECT, codeVerifier: pkce.verifier });
  }

  it("rotates the refresh token; the old one is single-use by default", async () => {
    const first = await connected();
    const second = await refreshToken(testConfig(), first.refresh_token!);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    await expect(refreshToken(testConfig(), first.refresh_token!)).rejects.toBeInstanceOf(KickInvalidGrantError);
    const third = await refreshToken(testConfig(), second.refresh_token!);
    expect(third.scope).toBe("user:read chat:write");
  });

  it("lets a used refresh token work again within the configured grace", async () => {
    await control("PATCH", "/settings", { refresh_grace: 30 });
    const first = await connected();
    await refreshToken(testConfig(), first.refresh_token!);
    await expect(refreshToken(testConfig(), first.refresh_token!)).resolves.toMatchObject({ token_type: "Bearer" });
    await control("POST", "/clock", { advance_seconds: 31 });
    await expect(refreshToken(testConfig(), first.refresh_token!)).rejects.toBeInstanceOf(KickInvalidGrantError);
  });

  it("refuses a refresh token past its lifetime", async () => {
    const first = await connected();
    await control("POST", "/clock", { advance_seconds: 30 * 86_400 + 1 });
    await expect(refreshToken(testConfig(), first.refresh_token!)).rejects.toBeInstanceOf(KickInvalidGrantError);
  });
});

describe("app token, introspect, revoke", () => {
  it("gets an app token and introspects it", async () => {
    const app = await getAppToken(testConfig());
    expect(app.refresh_token ?? undefined).toBeUndefined();
    const info = await introspectToken(testConfig(), app.access_token);
    expect(info).toMatchObject({ active: true, token_type: "app", client_id: "emulator-client" });
  });

  it("revoking the refresh token also ends its access token", async () => {
    const { code, pkce } = await consent();
    const tokens = await exchangeCode(testConfig(), {
      code: code!,
      redirectUri: REDIRECT,
      codeVerifier: pkce.verifier,
    });
    expect(await introspectToken(testConfig(), tokens.access_token)).toMatchObject({
      active: true,
      token_type: "user",
      scope: "user:read chat:write",
    });
    await revokeToken(testConfig(), tokens.refresh_token!, "refresh_token");
    expect(await introspectToken(testConfig(), tokens.access_token)).toEqual({ active: false });
    await expect(refreshToken(testConfig(), tokens.refresh_token!)).rejects.toBeInstanceOf(KickInvalidGrantError);
  });

  it("falls back to the deprecated api-host introspect path when the id host has none", async () => {
    const app = await getAppToken(testConfig());
    await control("DELETE", "/requests");
    await control("POST", "/faults", { path: "/oauth/token/introspect", status: 404 });
    expect(await introspectToken(testConfig(), app.access_token)).toMatchObject({ active: true });
    expect((await requestsSeen()).map((r) => `${r.status} ${r.path}`)).toEqual([
      "404 /oauth/token/introspect",
      "200 /public/v1/token/introspect",
    ]);
  });
});
