import { beforeEach, describe, expect, inject, it } from "vitest";
import {
  buildAuthorizeUrl,
  createPkcePair,
  exchangeCode,
  KickNetworkError,
  KickUpstreamError,
  refreshToken,
  staticToken,
  type KickConfig,
} from "../../shared/kick/index";
import { createKickClient } from "../../shared/kick/endpoints";

const KICK = inject("emulatorUrl");
const config: KickConfig = {
  idBase: KICK,
  apiBase: KICK,
  clientId: "emulator-client",
  clientSecret: "emulator-secret",
  sleep: async () => {},
  retry: { limit: 0 },
};
const REDIRECT = "http://127.0.0.1:8787/callback";

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${KICK}/_emulator${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

beforeEach(() => control("POST", "/reset"));

describe("the emulator under wrangler dev, over real HTTP", () => {
  it("runs the whole OAuth flow a browser and a server would", async () => {
    const pkce = await createPkcePair();
    const url = buildAuthorizeUrl({
      idBase: KICK,
      clientId: "emulator-client",
      redirectUri: REDIRECT,
      scopes: ["user:read", "chat:write"],
      state: "e2e",
      codeChallenge: pkce.challenge,
    });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    const form = new URLSearchParams(
      [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
        m[1]!,
        m[2]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))),
      ]),
    );
    form.set("decision", "approve");
    const approved = await fetch(`${KICK}/oauth/authorize`, { method: "POST", body: form, redirect: "manual" });
    expect(approved.status).toBe(302);
    const back = new URL(approved.headers.get("location")!);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe("e2e");

    const tokens = await exchangeCode(config, {
      code: back.searchParams.get("code")!,
      redirectUri: REDIRECT,
      codeVerifier: pkce.verifier,
    });
    const kick = createKickClient(config, staticToken(tokens.access_token));
    expect((await kick.getUsers())[0]).toMatchObject({ name: "demo_streamer" });
    const rotated = await refreshToken(config, tokens.refresh_token!);
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
  });

  it("drops the connection for real when told to", async () => {
    const tokens = await control("POST", "/tokens", { user_id: 1001 });
    await control("POST", "/faults", { path: "/public/v1/users", drop: "before" });
    await expect(createKickClient(config, staticToken(tokens.access_token)).getUsers()).rejects.toBeInstanceOf(
      KickNetworkError,
    );
  });

  it("serves the Cloudflare challenge page as HTML", async () => {
    const tokens = await control("POST", "/tokens", { user_id: 1001 });
    await control("POST", "/faults", { path: "/public/v1/channels", status: 403, html: true });
    const error = await createKickClient(config, staticToken(tokens.access_token))
      .getChannels()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KickUpstreamError);
    expect(error).toMatchObject({ kind: "html_challenge" });
  });

  it("keeps its state across requests (one Durable Object)", async () => {
    await control("PATCH", "/channels/1001", { is_live: true });
    const state = await control("GET", "/state");
    expect(state.channels.find((c: { broadcaster_user_id: number }) => c.broadcaster_user_id === 1001).is_live).toBe(
      true,
    );
  });
});
