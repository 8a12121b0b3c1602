import { readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { launchChromium, walked } from "./inChromium";
import { E2E_ADMIN_SECRET } from "./globalSetup";

const oauth = inject("oauthUrl");
const emulator = inject("emulatorUrl");
const automations = inject("automationsUrl");

let browser: Browser;
/** The key the first test copies from the success page; later tests act with it. */
let key = "";
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

it("a streamer signs in, connects on Kick's consent page, copies a key and uses it", async () => {
  await fetch(`${emulator}/_emulator/reset`, { method: "POST" });
  // A phone-sized window: the pages must work there.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const hosts = new Set<string>();
  page.on("request", (r) => hosts.add(new URL(r.url()).host));

  await page.goto(`${oauth}/`);
  await page.fill('input[name="passphrase"]', E2E_ADMIN_SECRET);
  await page.click("#login");
  await page.waitForSelector("#connect");
  await page.click("#connect");

  // Kick's (emulated) consent page.
  await page.waitForURL(`${emulator}/oauth/authorize**`);
  expect(await page.textContent("h1")).toContain("kick-edge e2e");
  await page.click("#approve");

  // Kick's redirect back lands, by one more redirect, on the account page: a reload repeats nothing.
  await page.waitForSelector("#key");
  expect(page.url()).toBe(`${oauth}/accounts/1001#new-key`);
  expect(await page.textContent("body")).toContain("demo_streamer");
  key = await page.inputValue("#key");
  expect(key).toMatch(/^ke_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  await page.screenshot({ path: join(tmpdir(), "kick-edge-connected.png"), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.click("#copy");
  expect(await page.textContent("#copy")).toBe("Copied");
  await page.reload();
  expect(await page.locator("#key").count()).toBe(0);

  const whoami = await fetch(`${automations}/v1/whoami`, { headers: { "x-api-key": key } });
  expect(await whoami.json()).toMatchObject({
    ok: true,
    data: { account: { id: 1001, username: "demo_streamer" }, key: { name: "default" } },
  });

  // The pages asked nothing of any host but ours and Kick's.
  expect([...hosts].sort()).toEqual([new URL(emulator).host, new URL(oauth).host].sort());

  // The raw local state on disk (KV blobs, D1's SQLite) holds no token and no key in the clear.
  const live = (await (await fetch(`${emulator}/_emulator/tokens?user_id=1001`)).json()) as {
    access_tokens: string[];
    refresh_tokens: string[];
  };
  const secrets = [...live.access_tokens, ...live.refresh_tokens, key.split("_").slice(2).join("_")];
  expect(secrets.length).toBeGreaterThanOrEqual(3);
  // Our Workers' KV and D1 (the emulator's Durable Object is Kick's own storage, so it is left out).
  const files = filesUnder(inject("persistDir")).filter((f) => /\/v3\/(kv|d1)\//.test(f));
  expect(files.some((f) => f.includes("/kv/")) && files.some((f) => f.includes("/d1/"))).toBe(true);
  const raw = files.map((f) => readFileSync(f).toString("latin1")).join("\n");
  expect(raw).toContain("demo_streamer");
  for (const secret of secrets) expect(raw).not.toContain(secret);
  await context.close();
});

it("the copied key sets up rules through the automations URL, and a token Kick refuses is refreshed by the refresh Worker", async () => {
  expect(key).not.toBe("");
  const call = (method: string, path: string, json?: unknown) =>
    fetch(`${automations}${path}`, {
      method,
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: json === undefined ? undefined : JSON.stringify(json),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any })); // eslint-disable-line @typescript-eslint/no-explicit-any -- answers read loosely

  // The rules paths reach the rules Worker (a service binding), with the same key and answers.
  const timer = await call("POST", "/v1/timers", { name: "socials", message: "Follow!", interval_minutes: 15 });
  expect(timer).toMatchObject({ status: 200, body: { ok: true, data: { name: "socials", interval_minutes: 15 } } });
  expect((await call("GET", "/v1/timers")).body.data).toHaveLength(1);
  expect((await call("POST", "/v1/timers", { name: "x" })).body.error.code).toBe("invalid_input");
  // A relay's secret is made and sealed by the webhooks Worker (an RPC from the rules Worker).
  const relay = await call("POST", "/v1/events/relays", { name: "zap", url: "https://hooks.example.com/k" });
  expect(relay.body.data.secret).toMatch(/^whsec_/);

  // Kick stops honouring the access token: the automations Worker asks the refresh Worker
  // (an RPC) for a newer one, and the call goes through.
  const before = (await (await fetch(`${emulator}/_emulator/tokens?user_id=1001`)).json()) as {
    refresh_tokens: string[];
  };
  // (A fault, not the emulator's clock: other test files share the emulator, and its signed
  // webhooks carry its time.)
  await fetch(`${emulator}/_emulator/faults`, {
    method: "POST",
    body: JSON.stringify({ method: "GET", path: "/public/v1/*", status: 401, times: 1 }),
  });
  const status = await call("GET", "/v1/status");
  expect(status).toMatchObject({ status: 200, body: { ok: true } });
  const after = (await (await fetch(`${emulator}/_emulator/tokens?user_id=1001`)).json()) as {
    refresh_tokens: string[];
  };
  expect(after.refresh_tokens).not.toEqual(before.refresh_tokens);
});

it("the KICKs overlay renders in OBS-like Chromium, updates after a new snapshot, and asks only the Worker", async () => {
  await fetch(`${emulator}/_emulator/reset`, { method: "POST" });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${oauth}/`);
  await page.fill('input[name="passphrase"]', E2E_ADMIN_SECRET);
  await page.click("#login");
  await page.click("#connect");
  await page.click("#approve");
  // Connected before (the first test): a re-connect keeps its keys and makes none.
  expect(await page.textContent("#notice")).toContain("No new key was made");
  // A read-only overlay key, made on the account page: ticking the overlay box is enough, the
  // boxes ticked by default are left out (and the page says so).
  await page.check('#key-form input[value="overlay"]');
  await page.fill('input[name="name"]', "obs");
  await page.click("#create-key");
  const overlayKey = await page.inputValue("#key");
  expect(overlayKey).not.toBe(key);
  expect(await page.textContent("#notice")).toContain("overlay key");
  const snapshot = () =>
    fetch(`${automations}/v1/kicks/snapshot`, { method: "POST", headers: { "x-api-key": key } }).then((r) => r.json());
  expect(await snapshot()).toMatchObject({ ok: true });

  const obs = await context.newPage();
  obs.setDefaultTimeout(10_000);
  await obs.setViewportSize({ width: 600, height: 400 });
  const hosts = new Set<string>();
  obs.on("request", (r) => hosts.add(new URL(r.url()).host));
  await obs.goto(`${automations}/overlay/leaderboard?key=${overlayKey}&period=lifetime&count=3&refresh=2`);
  await obs.waitForSelector("#list li");
  expect(await obs.locator("#list li").first().locator(".rank, .name, .amount").allTextContents()).toEqual([
    "1",
    "viewer_alice",
    "550",
  ]);
  await obs.screenshot({ path: join(tmpdir(), "kick-edge-overlay.png") });

  await fetch(`${emulator}/_emulator/kicks`, {
    method: "POST",
    body: JSON.stringify({ broadcaster_user_id: 1001, user_id: 2004, amount: 1000 }),
  });
  await snapshot();
  await obs.waitForFunction(() => document.querySelector("#list li .name")?.textContent === "viewer_dave");
  expect(await obs.locator("#list li").first().locator(".rank, .name, .amount").allTextContents()).toEqual([
    "1",
    "viewer_dave",
    "1,000",
  ]);

  await obs.goto(`${automations}/overlay/history?key=${overlayKey}&count=3`);
  await obs.waitForSelector("body[data-drawn]");
  expect(await obs.locator("svg polyline").count()).toBe(3);
  await obs.screenshot({ path: join(tmpdir(), "kick-edge-history.png"), fullPage: true });
  expect([...hosts]).toEqual([new URL(automations).host]);
  await context.close();
});

it.each([1280, 390])(
  "every page of the connect flow works at %i px: no sideways scroll, buttons in reach, no serious axe-core finding",
  async (width) => {
    // bypassCSP: the pages allow no inline script, and axe-core is injected as one.
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);

    await fetch(`${emulator}/_emulator/reset`, { method: "POST" });
    await page.goto(`${oauth}/`);
    await walked(page, "login", width);
    await page.fill('input[name="passphrase"]', "not the passphrase at all");
    await page.click("#login");
    await walked(page, "login-refused", width);
    await page.fill('input[name="passphrase"]', E2E_ADMIN_SECRET);
    await page.click("#login");
    await page.waitForSelector("#connect");
    // Connected by the tests before: disconnected first (it asks), so this connect makes a key.
    await page.goto(`${oauth}/accounts/1001/disconnect`);
    if (await page.locator("#confirm").count()) await page.click("#confirm");
    else await page.goto(`${oauth}/`);
    await page.waitForSelector("#connect");
    await walked(page, "dashboard", width);

    await page.click("#connect");
    await page.waitForURL(`${emulator}/oauth/authorize**`);
    await walked(page, "kick-consent", width);
    await page.click("#approve");
    await page.waitForSelector("#key");
    await walked(page, "connected", width);

    const connectedKey = await page.inputValue("#key");

    await page.goto(`${oauth}/accounts/1001`);
    await walked(page, "account", width);
    await page.fill("#key-form input[name=name]", "stream deck");
    await page.click("#create-key");
    await page.waitForSelector("#key");
    await walked(page, "key-created", width);
    // A key with nothing ticked: refused on the same form, as typed, the problem beside the boxes.
    await page.goto(`${oauth}/accounts/1001`);
    await page.fill("#key-form input[name=name]", "nothing");
    for (const box of await page.$$('#key-form input[name="capability"]')) await box.uncheck();
    await page.click("#create-key");
    await page.waitForSelector("#capability-error");
    expect(await page.inputValue("#key-form input[name=name]")).toBe("nothing");
    await walked(page, "key-refused", width);

    // Revoke and disconnect ask first, on pages of their own.
    await page.click('a[aria-label="Revoke stream deck"]');
    await page.waitForSelector("#confirm");
    await walked(page, "revoke-confirm", width);
    await page.click("#confirm");
    await page.waitForSelector("#notice");
    await walked(page, "key-revoked", width);
    await page.click("#disconnect");
    await page.waitForSelector("#confirm");
    await walked(page, "disconnect-confirm", width);

    // Kick refuses the refresh token: every page says so in plain words, with a Re-connect button.
    await fetch(`${emulator}/_emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ method: "POST", path: "/oauth/token", status: 400, body: { error: "invalid_grant" } }),
    });
    // Kick stops honouring the access token (a fault, not the shared emulator's clock).
    await fetch(`${emulator}/_emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ method: "GET", path: "/public/v1/*", status: 401, times: 6 }),
    });
    // The automations Worker may first spend a token it cached before this connect (Kick refuses
    // it, and the newer one is found without a refresh): a later call reaches the refresh.
    const marked = async () =>
      (
        await (
          await fetch(`${oauth}/status?format=json`, { headers: { authorization: `Bearer ${E2E_ADMIN_SECRET}` } })
        ).text()
      ).includes('"state":"needs_reconnect"');
    for (let i = 0; i < 3 && !(await marked()); i++)
      expect((await fetch(`${automations}/v1/status`, { headers: { "x-api-key": connectedKey } })).status).toBe(409);
    expect(await marked()).toBe(true);
    // Kick is well again (the leftover faults would refuse the re-connect below).
    await fetch(`${emulator}/_emulator/faults`, { method: "DELETE" });
    await page.goto(`${oauth}/`);
    await walked(page, "needs-reconnect", width);
    expect(await page.textContent("body")).not.toContain("invalid_grant");

    await page.goto(`${oauth}/status`);
    // Times read in the viewer's zone; UTC stays on hover.
    const time = page.locator("time").first();
    expect(await time.getAttribute("title")).toMatch(/ UTC$/);
    expect(await time.textContent()).not.toMatch(/UTC/);
    await walked(page, "status", width);
    await page.click('button[aria-label="Re-connect demo_streamer"]');
    await page.waitForURL(`${emulator}/oauth/authorize**`);
    await page.click("#approve");
    await page.waitForSelector("#notice");
    expect(await page.textContent("#notice")).toContain("No new key was made");
    await walked(page, "reconnected", width);
    await context.close();
  },
);
