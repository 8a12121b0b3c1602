import { SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { buildAuthorizeUrl, createPkcePair } from "../../shared/kick/index";
import { control, KICK, resetEmulator } from "../helpers/emulator";
import { REDIRECT } from "../helpers/oauthDance";

beforeEach(resetEmulator);

async function authorizeUrl(change: Record<string, string | null> = {}) {
  const { challenge } = await createPkcePair();
  const url = new URL(
    buildAuthorizeUrl({
      idBase: KICK,
      clientId: "emulator-client",
      redirectUri: REDIRECT,
      scopes: ["user:read", "chat:write"],
      state: "st",
      codeChallenge: challenge,
    }),
  );
  for (const [k, v] of Object.entries(change)) {
    if (v === null) url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  return url.toString();
}

describe("the emulated consent screen", () => {
  it("shows the app, the scopes with their meaning, and Approve/Deny", async () => {
    const page = await SELF.fetch(await authorizeUrl());
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("kick-edge (emulated app)");
    expect(html).toContain("Send chat messages");
    expect(html).toMatch(/id="approve"/);
    expect(html).toMatch(/id="deny"/);
    // Phones get the page at their width, not a zoomed-out desktop one.
    expect(html).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
  });

  it.each([
    ["no PKCE challenge", { code_challenge: null }, /code_challenge/],
    ["plain PKCE", { code_challenge_method: "plain" }, /S256/],
    ["no state", { state: null }, /state/],
    ["an unknown client", { client_id: "nobody" }, /client_id/],
    ["a redirect that is not registered exactly", { redirect_uri: "http://localhost:8787/callback/" }, /redirect_uri/],
    ["an unknown scope", { scope: "user:read chat:read" }, /chat:read/],
    ["no scope", { scope: null }, /scope/],
    ["a token response type", { response_type: "token" }, /response_type/],
  ])("refuses %s with Kick's 400", async (_, change, why) => {
    const response = await SELF.fetch(await authorizeUrl(change));
    expect(response.status).toBe(400);
    const body = await response.json<{ error: string; error_description: string }>();
    expect(body.error).toBe("Invalid request");
    expect(body.error_description).toMatch(why);
  });

  it("approves at once when auto-approve is on, as the session user", async () => {
    await control("PATCH", "/settings", { auto_approve: true });
    await control("POST", "/session", { user_id: 1002 });
    const response = await SELF.fetch(await authorizeUrl(), { redirect: "manual" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get("code")).toBeTruthy();
    expect(location.searchParams.get("state")).toBe("st");
  });

  it("refuses a token request that is not form-encoded", async () => {
    const response = await SELF.fetch(`${KICK}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_request" });
  });
});
