import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../functions/oauth/index";
import { accounts, allowedUserPins, automationKeys } from "../../shared/storage/accountsStore";
import { readAuthoritativeTokenRecord, readTokenRecord } from "../../shared/storage/tokenStore";
import { Browser, csrfOnPage, keyOnPage, kickControl, OAUTH } from "./adminBrowser";
import { resetWorkerState } from "../helpers/resetWorkerState";

type Env = Cloudflare.OauthEnv;
const E = env as unknown as Env;

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
});

/** The oauth Worker with some settings changed, still run inside workerd. */
const withEnv = (changes: Partial<Env>) => (request: Request) => worker.fetch(request as never, { ...E, ...changes });

async function nothingStored() {
  expect(await accounts.list(E.DB)).toEqual([]);
  expect((await E.TOKENS.list()).keys).toEqual([]);
}

async function signedIn(browser = new Browser()) {
  const login = await browser.login();
  expect(login.status).toBe(303);
  return browser;
}

describe("signing in", () => {
  it("shows the sign-in form to strangers and lets nothing through", async () => {
    const home = await SELF.fetch(`${OAUTH}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Admin passphrase");
    const stranger = new Browser();
    for (const [method, path] of [
      ["post", "/connect"],
      ["get", "/callback?state=x&code=y"],
      ["get", "/status"],
      ["get", "/accounts/1001"],
      ["post", "/accounts/1001/disconnect"],
    ] as const) {
      const response =
        method === "get" ? await stranger.get(`${OAUTH}${path}`) : await stranger.post(`${OAUTH}${path}`, {});
      expect(response.status, path).toBe(401);
      expect(await response.text()).toContain("Admin passphrase");
    }
    expect((await kickControl<{ method: string }[]>("GET", "/requests")).length).toBe(0);
  });

  it("refuses a wrong passphrase, then slows guessing down", async () => {
    const browser = new Browser();
    for (let i = 0; i < 5; i++) expect((await browser.login("guess")).status).toBe(401);
    expect(browser.cookie("kick_edge_admin")).toBeUndefined();
    const blocked = await browser.login();
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("sets an HttpOnly SameSite session cookie on the right passphrase", async () => {
    const response = await new Browser().login();
    expect(response.status).toBe(303);
    const cookie = response.headers.get("set-cookie")!;
    expect(cookie).toMatch(/kick_edge_admin=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it("marks the cookies Secure with the __Host- prefix on https", async () => {
    const form = await SELF.fetch("https://kick-edge.example/");
    const loginCookie = form.headers.get("set-cookie")!;
    expect(loginCookie).toMatch(/^__Host-kick_edge_login=.*; Secure/);
    const response = await SELF.fetch("https://kick-edge.example/login", {
      method: "POST",
      body: new URLSearchParams({ passphrase: "correct horse battery staple", csrf: csrfOnPage(await form.text())! }),
      headers: { cookie: loginCookie.split(";")[0]! },
      redirect: "manual",
    });
    expect(response.headers.get("set-cookie")).toMatch(/^__Host-kick_edge_admin=.*; Secure/);
  });

  it("with no ADMIN_SECRET configured, nobody gets in", async () => {
    const browser = new Browser(withEnv({ ADMIN_SECRET: "" }));
    const home = await browser.get(`${OAUTH}/`);
    expect(home.status).toBe(503);
    expect(await home.text()).toContain("npm run deploy -- --rotate-admin-secret");
    expect((await browser.login("")).status).toBe(503);
  });

  it("refuses a form posted from another site", async () => {
    const browser = await signedIn();
    const response = await browser.post(`${OAUTH}/connect`, { role: "broadcaster" }, "https://evil.example");
    expect(response.status).toBe(403);
  });
});

describe("connecting an account", () => {
  it("runs the whole flow: PKCE and state to Kick, code exchanged here, tokens sealed, a key shown once", async () => {
    const browser = await signedIn();
    const { authorizeUrl, callbackUrl } = await browser.connectThroughKick();
    const authorize = new URL(authorizeUrl);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get("redirect_uri")).toBe("http://127.0.0.1:8787/callback");
    expect(authorize.searchParams.get("redirect")).toBe("127.0.0.1");
    expect(authorize.searchParams.get("scope")!.split(" ").sort()).toEqual(
      [
        "user:read",
        "chat:write",
        "channel:read",
        "channel:write",
        "moderation:ban",
        "channel:rewards:write",
        "kicks:read",
      ].sort(),
    );

    const landed = await browser.get(callbackUrl!);
    expect(landed.status).toBe(200);
    const html = await landed.text();
    expect(html).toContain("demo_streamer");
    expect(html).toContain("chat:write");
    const key = keyOnPage(html);
    expect(key).toMatch(/^ke_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(html).toContain(`Authorization: Bearer ${key}`);
    // The first key may not be sent in the URL: no example puts it there.
    expect(html).not.toContain(`?key=${key}`);
    expect(html).toContain("/v1/whoami -H ");

    const account = await accounts.get(E.DB, 1001);
    expect(account).toMatchObject({ username: "demo_streamer", role: "broadcaster", needsReconnect: false });
    expect(account!.tokenExpiresAt).toBeGreaterThan(Date.now() + 7000_000);
    const record = await readTokenRecord(E, 1001);
    const live = await kickControl<{ access_tokens: string[]; refresh_tokens: string[] }>(
      "GET",
      "/tokens?user_id=1001",
    );
    expect(record).toMatchObject({
      accountId: 1001,
      accessToken: live.access_tokens[0],
      refreshToken: live.refresh_tokens[0],
    });
    expect(record!.version).toBeGreaterThan(Date.now() - 60_000);
    expect(await readAuthoritativeTokenRecord(E, 1001)).toEqual(record);
    expect(await automationKeys.verify(E.DB, key!, Date.now())).toMatchObject({ accountId: 1001, name: "default" });

    // The key is shown once: the account page lists it without its secret.
    const again = await (await browser.get(`${OAUTH}/accounts/1001`)).text();
    expect(again).not.toContain(key!);
    expect(again).toContain("default");
  });

  it("sends its pages with security headers", async () => {
    const browser = await signedIn();
    const page = await browser.get(`${OAUTH}/`);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self' http://kick.test");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
  });
});

describe("refusing a callback", () => {
  async function startedFlow() {
    const browser = await signedIn();
    const { callbackUrl } = await browser.connectThroughKick();
    return { browser, callbackUrl: callbackUrl! };
  }

  it("with no state", async () => {
    const { browser, callbackUrl } = await startedFlow();
    const url = new URL(callbackUrl);
    url.searchParams.delete("state");
    const response = await browser.get(url.toString());
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("no state");
    await nothingStored();
  });

  it("with an unknown state", async () => {
    const { browser, callbackUrl } = await startedFlow();
    const url = new URL(callbackUrl);
    url.searchParams.set("state", "made-up");
    expect((await browser.get(url.toString())).status).toBe(400);
    await nothingStored();
  });

  it("with a state already used", async () => {
    const { browser, callbackUrl } = await startedFlow();
    expect((await browser.get(callbackUrl)).status).toBe(200);
    await kickControl("POST", "/reset");
    const replay = await browser.get(callbackUrl);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("already used");
  });

  it("with an expired state", async () => {
    const { browser, callbackUrl } = await startedFlow();
    await E.DB.prepare("UPDATE oauth_flows SET expires_at = 0").run();
    const response = await browser.get(callbackUrl);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("expired");
    await nothingStored();
  });

  it("from another browser", async () => {
    const { callbackUrl } = await startedFlow();
    const other = await signedIn();
    const response = await other.get(callbackUrl);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("another browser");
    await nothingStored();
  });

  it("when the user denies consent on Kick", async () => {
    const browser = await signedIn();
    const { callbackUrl } = await browser.connectThroughKick({ decision: "deny" });
    expect(new URL(callbackUrl!).searchParams.get("error")).toBe("access_denied");
    const response = await browser.get(callbackUrl!);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("chose not to allow");
    await nothingStored();
  });
});

describe("Kick failing at the token endpoint", () => {
  it.each([
    [
      "400 invalid_grant",
      {
        status: 400,
        body: { error: "invalid_grant", error_description: "The provided authorization grant is invalid" },
      },
      400,
      "did not accept",
    ],
    ["500", { status: 500 }, 502, "HTTP 500"],
    ["an HTML challenge page", { status: 403, html: true }, 502, "upstream_error"],
  ])("%s: a clear page, nothing stored", async (_, fault, status, text) => {
    const browser = await signedIn();
    const { callbackUrl } = await browser.connectThroughKick();
    await kickControl("POST", "/faults", { method: "POST", path: "/oauth/token", ...fault });
    const response = await browser.get(callbackUrl!);
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(text);
    await nothingStored();
  });

  it("sends Kick's consent page an exact redirect, so a wrong one is refused there", async () => {
    const browser = new Browser(withEnv({ OAUTH_REDIRECT_URI: "http://127.0.0.1:8787/elsewhere" }));
    await browser.login();
    const { consent } = await browser.connectThroughKick();
    expect(consent.status).toBe(400);
    expect(await consent.json()).toMatchObject({
      error: "Invalid request",
      error_description: expect.stringContaining("redirect_uri"),
    });
    await nothingStored();
  });
});

describe("the allowlist", () => {
  it("refuses an account not on it, revokes what Kick issued, keeps nothing", async () => {
    const browser = new Browser(withEnv({ ALLOWED_KICK_USERS: "someone_else, 42" }));
    await browser.login();
    const { callbackUrl } = await browser.connectThroughKick();
    const response = await browser.get(callbackUrl!);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("ALLOWED_KICK_USERS");
    await nothingStored();
    expect(await kickControl("GET", "/tokens?user_id=1001")).toEqual({ access_tokens: [], refresh_tokens: [] });
  });

  it("lets a listed username in, case-insensitively", async () => {
    const browser = new Browser(withEnv({ ALLOWED_KICK_USERS: "Demo_Streamer" }));
    await browser.login();
    const { callbackUrl } = await browser.connectThroughKick();
    expect((await browser.get(callbackUrl!)).status).toBe(200);
  });

  /** Kick's next "who is this?" names `userId` so (a rename, as Kick would report it). */
  const kickCalls = (userId: number, name: string) =>
    kickControl("POST", "/faults", {
      method: "GET",
      path: "/public/v1/users",
      status: 200,
      body: { data: [{ user_id: userId, name, email: null, profile_picture: null }], message: "OK" },
    });

  async function connectAs(browser: Browser, userId: number, renamed?: string) {
    const { callbackUrl } = await browser.connectThroughKick({ userId });
    if (renamed) await kickCalls(userId, renamed);
    return browser.get(callbackUrl!);
  }

  it("pins a username to the account that first connects under it: whoever takes the name later is refused", async () => {
    const browser = new Browser(withEnv({ ALLOWED_KICK_USERS: "42, Demo_Streamer" }));
    await browser.login();
    expect((await connectAs(browser, 1001)).status).toBe(200);
    expect(await allowedUserPins.read(E.DB, ["demo_streamer"])).toEqual(new Map([["demo_streamer", 1001]]));

    // demo_streamer renames itself, and another Kick account takes the name.
    const impostor = await connectAs(browser, 3001, "demo_streamer");
    expect(impostor.status).toBe(403);
    const page = await impostor.text();
    expect(page).toContain("belongs to Kick user 1001, who held that name when it first connected here");
    expect(await accounts.get(E.DB, 3001)).toBeNull();
    expect(await kickControl("GET", "/tokens?user_id=3001")).toEqual({ access_tokens: [], refresh_tokens: [] });

    // The account that held the name still gets in under its new one.
    expect((await connectAs(browser, 1001, "streamer_renamed")).status).toBe(200);
    expect(await accounts.get(E.DB, 1001)).toMatchObject({ username: "streamer_renamed" });
  });

  it("forgets a pin when its name leaves the setting", async () => {
    const listed = new Browser(withEnv({ ALLOWED_KICK_USERS: "demo_streamer" }));
    await listed.login();
    expect((await connectAs(listed, 1001)).status).toBe(200);
    const unlisted = new Browser(withEnv({ ALLOWED_KICK_USERS: "42" }));
    await unlisted.login();
    expect((await connectAs(unlisted, 1001)).status).toBe(403);
    expect(await allowedUserPins.read(E.DB, ["demo_streamer"])).toEqual(new Map());
    // Listed again, the name belongs to whoever connects under it first from now on.
    expect((await connectAs(listed, 3001, "demo_streamer")).status).toBe(200);
  });
});

describe("cross-site forms", () => {
  it("refuses a POST a browser marks as cross-site even with a token, and accepts same-origin ones with Origin: null", async () => {
    const browser = await signedIn();
    const csrf = csrfOnPage(await (await browser.get(`${OAUTH}/`)).text())!;
    const post = (headers: Record<string, string>) =>
      SELF.fetch(`${OAUTH}/connect`, {
        method: "POST",
        redirect: "manual",
        body: new URLSearchParams({ role: "broadcaster", capability: "chat", csrf }),
        headers: { cookie: browser.sessionCookie(), ...headers },
      });
    expect((await post({ "sec-fetch-site": "cross-site", origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ "sec-fetch-site": "same-site" })).status).toBe(403);
    expect((await post({ origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ "sec-fetch-site": "same-origin", origin: "null" })).status).toBe(303);
  });
});

describe("guessing the passphrase", () => {
  it("counts parallel guesses before checking them, and Bearer guesses too", async () => {
    const guesses = await Promise.all(Array.from({ length: 8 }, () => new Browser().login("guess")));
    expect(guesses.filter((r) => r.status === 429).length).toBe(3);
    const tool = await SELF.fetch(`${OAUTH}/status`, {
      headers: { accept: "application/json", authorization: "Bearer correct horse battery staple" },
    });
    expect(tool.status).toBe(429);
  });

  it("lets a monitoring tool with the right Bearer secret call /status again and again", async () => {
    for (let i = 0; i < 8; i++) {
      const tool = await SELF.fetch(`${OAUTH}/status`, {
        headers: { accept: "application/json", authorization: "Bearer correct horse battery staple" },
      });
      expect(tool.status).toBe(200);
    }
  });
});
