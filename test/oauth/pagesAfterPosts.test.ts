import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { accounts, automationKeys } from "../../shared/storage/accountsStore";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { Browser, csrfOnPage, formsOf, hiddenFields, keyOnPage, kickControl, OAUTH } from "./adminBrowser";

const E = env as unknown as Cloudflare.OauthEnv;

let browser: Browser;
/** Kick's redirect back after the first connect, not yet followed. */
let callbackUrl: string;

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  browser = new Browser();
  await browser.login();
  callbackUrl = (await browser.connectThroughKick()).callbackUrl!;
});

const pageOf = async (path: string) => (await browser.get(`${OAUTH}${path}`)).text();
const postKey = (fields: [string, string][]) => browser.post(`${OAUTH}/accounts/1001/keys`, fields);
/** The key form as the page shows it. */
const keyForm = (html: string) => formsOf(html).find((f) => f.includes('id="key-form"'))!;

describe("the connect callback", () => {
  it("redirects to the account page, which shows the first key once; a reload is the account page, not a refusal", async () => {
    const hop = await browser.get(callbackUrl, { follow: false });
    expect(hop.status).toBe(303);
    expect(hop.headers.get("location")).toBe("/accounts/1001#new-key");
    const first = await browser.get(`${OAUTH}/accounts/1001`);
    const key = keyOnPage(await first.text())!;
    expect(await automationKeys.verify(E.DB, key, Date.now())).toMatchObject({ name: "default" });
    const reloaded = await browser.get(`${OAUTH}/accounts/1001`);
    expect(reloaded.status).toBe(200);
    const html = await reloaded.text();
    expect(html).not.toContain("Nothing was connected");
    expect(html).not.toContain(key);
    expect(html).toContain("default");
  });

  it("makes no new key on a re-connect of an account that has keys, and says so", async () => {
    const first = keyOnPage(await (await browser.get(callbackUrl)).text())!;
    const again = await browser.get((await browser.connectThroughKick()).callbackUrl!);
    const html = await again.text();
    expect(keyOnPage(html)).toBeNull();
    expect(html).toContain("Re-connected demo_streamer. No new key was made: its key keeps working.");
    expect((await automationKeys.list(E.DB, 1001)).map((k) => k.name)).toEqual(["default"]);
    expect(await automationKeys.verify(E.DB, first, Date.now())).not.toBeNull();
  });
});

describe("creating a key", () => {
  beforeEach(async () => {
    await browser.get(callbackUrl);
  });

  it("redirects after the POST: the secret rides a sealed one-time cookie, never the URL, and a reload makes and shows nothing", async () => {
    const made = await postKey([
      ["name", "deck"],
      ["capability", "chat"],
    ]);
    expect(made.status).toBe(303);
    expect(made.headers.get("location")).toBe("/accounts/1001#new-key");
    const cookie = made.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^kick_edge_once=v1\.[^;]+; Path=\/accounts\/1001; HttpOnly; SameSite=Lax; Max-Age=60$/);

    const shown = await browser.get(`${OAUTH}/accounts/1001`);
    expect(shown.headers.get("set-cookie")).toMatch(/^kick_edge_once=; Path=\/accounts\/1001;.*Max-Age=0/);
    const key = keyOnPage(await shown.text())!;
    expect(await automationKeys.verify(E.DB, key, Date.now())).toMatchObject({ name: "deck" });
    for (const part of [key, key.split("_").slice(2).join("_")]) {
      expect(made.headers.get("location")).not.toContain(part);
      expect(cookie).not.toContain(part);
    }

    const reloaded = await pageOf("/accounts/1001");
    expect(keyOnPage(reloaded)).toBeNull();
    expect(reloaded).toContain("deck");
    expect((await automationKeys.list(E.DB, 1001)).map((k) => k.name)).toEqual(["default", "deck"]);
    // A cookie that does not open (tampered) shows nothing, and goes.
    const sealed = cookie.slice(cookie.indexOf("=") + 1, cookie.indexOf(";"));
    const tampered = await SELF.fetch(`${OAUTH}/accounts/1001`, {
      headers: { cookie: `${browser.sessionCookie()}; kick_edge_once=${sealed.slice(0, -4)}AAAA` },
    });
    expect(tampered.status).toBe(200);
    expect(keyOnPage(await tampered.text())).toBeNull();
    expect(tampered.headers.get("set-cookie")).toMatch(/Max-Age=0/);
  });

  it("ticking the overlay while the other boxes are ticked makes an overlay-only key, and says so", async () => {
    const form = keyForm(await pageOf("/accounts/1001"));
    // The boxes as the page ticks them, plus the overlay.
    const ticked = [...form.matchAll(/name="capability" value="(\w+)" checked/g)].map((m) => m[1]!);
    expect(ticked.length).toBeGreaterThan(1);
    expect(ticked).not.toContain("overlay");
    const made = await browser.landed(
      await postKey([["name", "obs"], ...[...ticked, "overlay"].map((c): [string, string] => ["capability", c])]),
    );
    const html = await made.text();
    expect(html).toContain("“obs” is an overlay key: read-only");
    expect(await automationKeys.verify(E.DB, keyOnPage(html)!, Date.now())).toMatchObject({
      capabilities: ["overlay"],
      allowUrl: true,
    });
  });

  it("refused, comes back on the same form as typed, each problem beside its field, with a 400", async () => {
    const unnamed = await postKey([
      ["name", "  "],
      ["capability", "chat"],
      ["allow_url", "on"],
    ]);
    expect(unnamed.status).toBe(400);
    let form = keyForm(await unnamed.text());
    expect(form).toContain('action="/accounts/1001/keys#key-form"');
    expect(form).toMatch(
      /aria-invalid="true" aria-describedby="name-error"><\/label><p class="bad" id="name-error">Give/,
    );
    expect(form).toContain('value="chat" checked');
    expect(form).toMatch(/value="announce">/);
    expect(form).toContain('name="allow_url" checked');
    expect(form).toMatch(/name="csrf" value="[\w-]{43}"/);

    const unpicked = await postKey([["name", "my deck"]]);
    expect(unpicked.status).toBe(400);
    const html = await unpicked.text();
    expect(html).toContain("<h1>demo_streamer");
    form = keyForm(html);
    expect(form).toContain('value="my deck"');
    // Custom was picked: the problem sits with its boxes, and Custom stays picked.
    expect(form).toContain('<fieldset aria-describedby="capability-error" class="custom">');
    expect(form).toContain('id="capability-error">Not made: pick at least one thing the key may do.');
    expect(form).toContain('name="preset" value="custom" checked');
    expect(form).not.toMatch(/name="(capability|allow_url|allow_get)"[^>]* checked/);

    const ungranted = await postKey([
      ["name", "hooks"],
      ["capability", "events"],
    ]);
    expect(ungranted.status).toBe(400);
    expect(keyForm(await ungranted.text())).toContain("Event webhooks was not granted to this account");
    expect(await automationKeys.list(E.DB, 1001)).toHaveLength(1);
  });
});

describe("revoking and disconnecting", () => {
  beforeEach(async () => {
    await browser.get(callbackUrl);
  });

  it("revoking asks first on a page of its own, naming the key and what stops; the POST redirects with a notice", async () => {
    const [key] = await automationKeys.list(E.DB, 1001);
    const path = `/accounts/1001/keys/${key!.id}/revoke`;
    const account = await pageOf("/accounts/1001");
    expect(account).toContain(`<a class="btn danger" href="${path}"`);
    expect(formsOf(account).some((f) => f.includes(path))).toBe(false);

    const asked = await pageOf(path);
    expect(asked).toContain("Revoke the key “default”?");
    expect(asked).toContain("stops working at once");
    expect(asked).toContain("Go-live announcements, Chat");
    const form = formsOf(asked).find((f) => f.includes(`action="${path}"`))!;
    expect(form).toContain('method="post"');
    expect((await automationKeys.list(E.DB, 1001)).length).toBe(1);

    const revoked = await browser.post(`${OAUTH}${path}`, hiddenFields(form));
    expect(revoked.headers.get("location")).toBe("/accounts/1001");
    expect(await (await browser.landed(revoked)).text()).toContain("Revoked “default”: calls with it are refused");
    expect(await automationKeys.list(E.DB, 1001)).toEqual([]);
    expect(await pageOf("/accounts/1001")).not.toContain("Revoked “default”");
    const gone = await browser.get(`${OAUTH}${path}`);
    expect(gone.status).toBe(404);
  });

  it("disconnecting asks first, naming the account, its keys and what stops", async () => {
    const account = await pageOf("/accounts/1001");
    expect(account).toContain('href="/accounts/1001/disconnect"');
    expect(formsOf(account).some((f) => f.includes('action="/accounts/1001/disconnect"'))).toBe(false);
    const asked = await pageOf("/accounts/1001/disconnect");
    expect(asked).toContain("Disconnect demo_streamer?");
    expect(asked).toContain("Its key (default) stops working");
    expect(asked).toContain("its go-live announcement, timed messages, chat replies and relays are deleted");
    expect(await accounts.get(E.DB, 1001)).not.toBeNull();
    const form = formsOf(asked).find((f) => f.includes('action="/accounts/1001/disconnect"'))!;
    const done = await browser.post(`${OAUTH}/accounts/1001/disconnect`, hiddenFields(form));
    expect(done.headers.get("location")).toBe("/?done=disconnected");
    expect(await accounts.get(E.DB, 1001)).toBeNull();
  });
});

describe("needs re-connect", () => {
  it("says why in plain words, never Kick's code, with a Re-connect button that re-connects without a new key", async () => {
    await browser.get(callbackUrl);
    const firstScopes = (await accounts.get(E.DB, 1001))!.scopes;
    await E.DB.prepare(
      "UPDATE accounts SET needs_reconnect = 1, reconnect_reason = 'Kick refused the refresh token (invalid_grant): it expired, was revoked, or was already used'",
    ).run();
    for (const path of ["/", "/accounts/1001", "/status"]) {
      const html = await pageOf(path);
      expect(html, path).toContain("Needs re-connect: Kick no longer accepts kick-edge&#39;s sign-in for it");
      expect(html, path).not.toMatch(/invalid_grant|refresh token/);
      const button = formsOf(html).find((f) => f.includes(">Re-connect</button>"));
      expect(button, path).toContain('action="/connect"');
      expect(button, path).toContain(`name="csrf" value="${csrfOnPage(html)}"`);
    }
    const button = formsOf(await pageOf("/accounts/1001")).find((f) => f.includes(">Re-connect</button>"))!;
    const { authorizeUrl, callbackUrl: back } = await browser.approvedOnKick(hiddenFields(button), 1001);
    expect(new URL(authorizeUrl).searchParams.get("scope")!.split(" ").sort()).toEqual([...firstScopes].sort());
    const landed = await (await browser.get(back)).text();
    expect(landed).toContain("Re-connected demo_streamer. No new key was made");
    expect(landed).not.toContain("Needs re-connect");
    expect(await automationKeys.list(E.DB, 1001)).toHaveLength(1);
  });
});

describe("times", () => {
  it("are one <time> each, with the instant and UTC on hover, localised by the one script the CSP allows", async () => {
    await browser.get(callbackUrl);
    const account = (await accounts.get(E.DB, 1001))!;
    for (const path of ["/accounts/1001", "/status", "/"]) {
      const response = await browser.get(`${OAUTH}${path}`);
      const html = await response.text();
      const iso = new Date(account.tokenExpiresAt!).toISOString();
      const utc = `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
      expect(html, path).toContain(`<time datetime="${iso}" title="${utc}">${utc}</time>`);
      expect(html, path).not.toMatch(/>\d{4}-\d\d-\d\dT[\d:.]+Z</);
      const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
      expect(scripts).toHaveLength(1);
      expect(scripts[0]).toContain('querySelectorAll("time")');
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(scripts[0])));
      expect(response.headers.get("content-security-policy")).toContain(
        `script-src 'sha256-${btoa(String.fromCharCode(...digest))}'`,
      );
    }
  });
});
