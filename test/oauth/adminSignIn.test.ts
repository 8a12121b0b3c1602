import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../functions/oauth/index";
import { base64ToBytes, base64url } from "../../shared/encoding";
import { accounts, automationKeys } from "../../shared/storage/accountsStore";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { Browser, csrfOnPage, keyOnPage, kickControl, OAUTH, PASSPHRASE } from "./adminBrowser";

type Env = Cloudflare.OauthEnv;
const E = env as unknown as Env;
const MINUTE = 60_000;

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
});

/** The oauth Worker with some settings changed, still run inside workerd. */
const withEnv = (changes: Partial<Env>) => (request: Request) => worker.fetch(request as never, { ...E, ...changes });

async function signedIn(browser = new Browser()) {
  expect((await browser.login()).status).toBe(303);
  return browser;
}

/** A tool's (or a copied cookie's) view of /status: 200 only while the session lives. */
const statusWith = (cookie: string) => SELF.fetch(`${OAUTH}/status`, { headers: { cookie }, redirect: "manual" });

const sessions = () =>
  E.DB.prepare("SELECT id_hash, created_at, last_seen_at FROM admin_sessions").all<{
    id_hash: string;
    created_at: number;
    last_seen_at: number;
  }>();

const attempts = async () =>
  (
    await E.DB.prepare("SELECT client, failures, window_start FROM login_attempts ORDER BY client").all<{
      client: string;
      failures: number;
      window_start: number;
    }>()
  ).results;

/** Every POST form on a page, with what it holds. */
const postForms = (html: string) =>
  [...html.matchAll(/<form[^>]*method="post"[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]);

describe("the passphrase's strength", () => {
  it("refuses an ADMIN_SECRET under 20 characters, with a page saying how to set a strong one", async () => {
    const short = "nineteen characters";
    expect(short).toHaveLength(19);
    const browser = new Browser(withEnv({ ADMIN_SECRET: short }));
    for (const response of [
      await browser.get(`${OAUTH}/`),
      await browser.login(short),
      await browser.get(`${OAUTH}/status`),
      await withEnv({ ADMIN_SECRET: short })(
        new Request(`${OAUTH}/status`, { headers: { authorization: `Bearer ${short}` } }),
      ),
    ]) {
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(text).toContain("Passphrase too weak");
      expect(text).toContain("npm run deploy -- --rotate-admin-secret");
      expect(text).not.toContain(short);
    }
    expect(browser.cookie("kick_edge_admin")).toBeUndefined();
    expect((await sessions()).results).toEqual([]);
  });

  it("accepts one of exactly 20 characters (the end-to-end tests' passphrase)", async () => {
    const twenty = "e2e admin passphrase";
    expect(twenty).toHaveLength(20);
    const browser = new Browser(withEnv({ ADMIN_SECRET: twenty }));
    expect((await browser.login(twenty)).status).toBe(303);
    expect((await browser.get(`${OAUTH}/status`)).status).toBe(200);
  });
});

describe("the session cookie", () => {
  /** HMAC-SHA256 under a key HKDF derives from the passphrase and `salt`. */
  async function macUnder(salt: Uint8Array, message: string) {
    const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(PASSPHRASE), "HKDF", false, [
      "deriveKey",
    ]);
    const key = await crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt, info: new TextEncoder().encode("kick-edge admin session v1") },
      material,
      { name: "HMAC", hash: "SHA-256", length: 256 },
      false,
      ["sign"],
    );
    return base64url(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
  }

  it("is signed with an HKDF key salted with TOKEN_ENCRYPTION_KEY, so the passphrase alone cannot check a guess", async () => {
    const browser = await signedIn();
    const [id, mac] = decodeURIComponent(browser.cookie("kick_edge_admin")!).split(".");
    expect(id).toMatch(/^[\w-]{43}$/);
    expect(mac).toBe(await macUnder(base64ToBytes(E.TOKEN_ENCRYPTION_KEY), `session\u0000${id}`));
    // What someone holding the cookie and guessing the passphrase could compute does not match it.
    expect(mac).not.toBe(await macUnder(new Uint8Array(0), `session\u0000${id}`));
    const byPassphrase = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(`admin-session\u0000${PASSPHRASE}`),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    expect(mac).not.toBe(base64url(await crypto.subtle.sign("HMAC", byPassphrase, new TextEncoder().encode(id))));
  });

  it("stops working when the passphrase or the encryption key changes, and a forged one is refused", async () => {
    const browser = await signedIn();
    const cookie = browser.sessionCookie();
    expect((await statusWith(cookie)).status).toBe(200);
    const rotated = await withEnv({ ADMIN_SECRET: "a rotated passphrase, long enough" })(
      new Request(`${OAUTH}/status`, { headers: { cookie } }),
    );
    expect(rotated.status).toBe(401);
    expect(rotated.headers.get("set-cookie")).toMatch(/kick_edge_admin=; .*Max-Age=0/);
    const otherKey = await withEnv({ TOKEN_ENCRYPTION_KEY: "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA=" })(
      new Request(`${OAUTH}/status`, { headers: { cookie } }),
    );
    expect(otherKey.status).toBe(401);
    const [id] = decodeURIComponent(browser.cookie("kick_edge_admin")!).split(".");
    expect((await statusWith(`kick_edge_admin=${id}.${"A".repeat(43)}`)).status).toBe(401);
  });
});

describe("ending sessions", () => {
  it("Log out ends the session on the server: a copy of its cookie stops working too", async () => {
    const browser = await signedIn();
    const copied = browser.sessionCookie();
    expect((await statusWith(copied)).status).toBe(200);
    const out = await browser.post(`${OAUTH}/logout`, {});
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await statusWith(copied)).status).toBe(401);
    expect((await sessions()).results).toEqual([]);
  });

  it("Sign out everywhere, on the dashboard, ends every browser's session", async () => {
    const laptop = await signedIn();
    const phone = await signedIn();
    expect((await sessions()).results).toHaveLength(2);
    const dashboard = await (await laptop.get(`${OAUTH}/`)).text();
    expect(dashboard).toContain('action="/logout/everywhere"');
    expect(dashboard).toContain("Sign out everywhere");
    expect((await laptop.post(`${OAUTH}/logout/everywhere`, {})).status).toBe(303);
    expect((await statusWith(laptop.sessionCookie())).status).toBe(401);
    expect((await statusWith(phone.sessionCookie())).status).toBe(401);
    expect((await sessions()).results).toEqual([]);
    await signedIn(phone);
  });

  it("ends after 30 idle minutes and after 12 hours, and records use at most every 5 minutes", async () => {
    const browser = await signedIn();
    const cookie = browser.sessionCookie();
    const [row] = (await sessions()).results;
    const setTimes = (created: number, lastSeen: number) =>
      E.DB.prepare("UPDATE admin_sessions SET created_at = ?, last_seen_at = ?").bind(created, lastSeen).run();
    const now = Date.now();

    // Page views within 5 minutes of the last recorded use write nothing.
    await setTimes(now - 60 * MINUTE, now - 4 * MINUTE);
    for (let i = 0; i < 3; i++) expect((await statusWith(cookie)).status).toBe(200);
    expect((await sessions()).results[0]!.last_seen_at).toBe(now - 4 * MINUTE);
    // Later than that, the use is recorded.
    await setTimes(now - 60 * MINUTE, now - 29 * MINUTE);
    expect((await statusWith(cookie)).status).toBe(200);
    expect((await sessions()).results[0]!.last_seen_at).toBeGreaterThanOrEqual(now);

    await setTimes(now - 60 * MINUTE, now - 31 * MINUTE);
    expect((await statusWith(cookie)).status).toBe(401);
    await setTimes(now - 12 * 60 * MINUTE - MINUTE, now);
    expect((await statusWith(cookie)).status).toBe(401);
    expect(row!.id_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("CSRF tokens", () => {
  async function connected() {
    const browser = await signedIn();
    const { callbackUrl } = await browser.connectThroughKick();
    expect((await browser.get(callbackUrl!)).status).toBe(200);
    return browser;
  }

  it("are in every state-changing form, bound to the session", async () => {
    const browser = await connected();
    const other = await signedIn();
    const token = csrfOnPage(await (await browser.get(`${OAUTH}/`)).text())!;
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(csrfOnPage(await (await other.get(`${OAUTH}/`)).text())).not.toBe(token);
    const [key] = await automationKeys.list(E.DB, 1001);
    const forms = [
      ...postForms(await (await browser.get(`${OAUTH}/`)).text()),
      ...postForms(await (await browser.get(`${OAUTH}/accounts/1001`)).text()),
      ...postForms(await (await browser.get(`${OAUTH}/status`)).text()),
      ...postForms(await (await browser.get(`${OAUTH}/accounts/1001/keys/${key!.id}/revoke`)).text()),
      ...postForms(await (await browser.get(`${OAUTH}/accounts/1001/disconnect`)).text()),
    ];
    // Dashboard: log out, connect, sign out everywhere; account page: log out, connect a bot,
    // create; status: log out; the revoke and disconnect questions: log out, and the step itself.
    expect(forms.length).toBe(11);
    for (const form of forms) expect(form).toContain(`<input type="hidden" name="csrf" value="${token}">`);
    expect(postForms(await (await new Browser().get(`${OAUTH}/`)).text())[0]).toMatch(/name="csrf" value="[\w-]{43}"/);
  });

  it("refuse a POST without the session's token (403, a clear page), even from a same-origin page, and change nothing", async () => {
    const browser = await connected();
    const other = await signedIn();
    const otherToken = csrfOnPage(await (await other.get(`${OAUTH}/`)).text())!;
    const [key] = await automationKeys.list(E.DB, 1001);
    const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      SELF.fetch(`${OAUTH}${path}`, {
        method: "POST",
        redirect: "manual",
        body: new URLSearchParams(fields),
        headers: { cookie: browser.sessionCookie(), ...headers },
      });
    for (const [path, fields] of [
      ["/accounts/1001/disconnect", {}],
      ["/accounts/1001/keys", { name: "sneaky", capability: "chat" }],
      [`/accounts/1001/keys/${key!.id}/revoke`, {}],
      ["/connect", { role: "broadcaster", capability: "chat" }],
      ["/connect", { role: "bot", broadcaster: "1001" }],
      ["/logout", {}],
      ["/logout/everywhere", {}],
    ] as const)
      for (const csrf of [undefined, "", "forged", otherToken]) {
        // An old browser: Origin "null" and no Sec-Fetch-Site. Only the token can tell.
        const response = await post(path, csrf === undefined ? fields : { ...fields, csrf }, { origin: "null" });
        expect(response.status, `${path} ${csrf}`).toBe(403);
        expect(await response.text()).toContain("no valid security token");
      }
    expect(await accounts.get(E.DB, 1001)).not.toBeNull();
    expect((await automationKeys.list(E.DB, 1001)).map((k) => k.name)).toEqual(["default"]);
    expect((await sessions()).results).toHaveLength(2);
    expect((await statusWith(browser.sessionCookie())).status).toBe(200);

    const token = csrfOnPage(await (await browser.get(`${OAUTH}/`)).text())!;
    const made = await post(
      "/accounts/1001/keys",
      { name: "deck", capability: "chat", csrf: token },
      { origin: "null" },
    );
    expect(made.status).toBe(303);
    expect(await automationKeys.list(E.DB, 1001)).toHaveLength(2);
  });

  it("guard the sign-in form too: without its pre-session token nothing is checked or counted", async () => {
    const stranger = new Browser();
    const refused = await stranger.post(`${OAUTH}/login`, { passphrase: PASSPHRASE, csrf: "forged" });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("was not checked");
    const crossSite = await stranger.post(`${OAUTH}/login`, { passphrase: PASSPHRASE }, "https://evil.example");
    expect(crossSite.status).toBe(403);
    // The token without its cookie (another browser's page) does not pass either.
    const token = csrfOnPage(await (await stranger.get(`${OAUTH}/`)).text())!;
    stranger.forget("kick_edge_login");
    expect((await stranger.post(`${OAUTH}/login`, { passphrase: PASSPHRASE, csrf: token })).status).toBe(403);
    expect(stranger.cookie("kick_edge_admin")).toBeUndefined();
    expect(await attempts()).toEqual([]);
    expect((await sessions()).results).toEqual([]);
    await signedIn(stranger);
  });
});

describe("throttling guesses", () => {
  it("a client already blocked costs no D1 write", async () => {
    const guesser = Browser.at("198.51.100.7");
    for (let i = 0; i < 5; i++) expect((await guesser.login("wrong passphrase guess")).status).toBe(401);
    const before = await attempts();
    expect(before.find((r) => r.client.endsWith(":198.51.100.7"))?.failures).toBe(5);
    for (let i = 0; i < 4; i++) {
      const blocked = await guesser.login(i === 3 ? PASSPHRASE : "wrong passphrase guess");
      expect(blocked.status).toBe(429);
      expect(await blocked.text()).toContain("--rotate-admin-secret");
    }
    expect(await attempts()).toEqual(before);
  });

  it("counts an IPv6 /64 as one client", async () => {
    for (let i = 1; i <= 5; i++)
      expect((await Browser.at(`2001:db8:1:2::${i}`).login("wrong passphrase guess")).status).toBe(401);
    expect((await Browser.at("2001:0db8:0001:0002:ffff:1:2:3").login("wrong passphrase guess")).status).toBe(429);
    expect((await Browser.at("2001:db8:1:3::1").login()).status).toBe(303);
  });

  it("limits guesses from many addresses together, and rotating the secret lets the locked-out owner in", async () => {
    for (let i = 1; i <= 30; i++)
      expect((await Browser.at(`203.0.113.${i}`).login("wrong passphrase guess")).status).toBe(401);
    const owner = await Browser.at("192.0.2.50").login();
    expect(owner.status).toBe(429);
    expect(Number(owner.headers.get("retry-after"))).toBeGreaterThan(0);
    const rotated = "the new passphrase, rotated in";
    const again = Browser.at("192.0.2.50", withEnv({ ADMIN_SECRET: rotated }));
    expect((await again.login(rotated)).status).toBe(303);
    expect((await again.get(`${OAUTH}/status`)).status).toBe(200);
  });
});

describe("the first key after connecting", () => {
  it("is never widened: when the granted scopes cover no capability, no key is made and the page says why", async () => {
    const browser = await signedIn();
    const { authorizeUrl, callbackUrl } = await browser.connectThroughKick({ capabilities: [] });
    expect(new URL(authorizeUrl).searchParams.get("scope")).toBe("user:read");
    const landed = await browser.get(callbackUrl!);
    expect(landed.status).toBe(200);
    const html = await landed.text();
    expect(keyOnPage(html)).toBeNull();
    expect(html).toContain("no automation key was made");
    expect(html).toContain("(user:read)");
    expect(await accounts.get(E.DB, 1001)).toMatchObject({ scopes: ["user:read"] });
    expect(await automationKeys.list(E.DB, 1001)).toEqual([]);

    // Nor can one be made by hand.
    const made = await browser.post(`${OAUTH}/accounts/1001/keys`, [
      ["name", "everything"],
      ["capability", "chat"],
    ]);
    expect(made.status).toBe(400);
    expect(await automationKeys.list(E.DB, 1001)).toEqual([]);
  });
});
