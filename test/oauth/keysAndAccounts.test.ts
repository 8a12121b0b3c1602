import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { accounts, automationKeys } from "../../shared/storage/accountsStore";
import { readTokenRecord } from "../../shared/storage/tokenStore";
import { introspectToken, refreshToken, KickInvalidGrantError } from "../../shared/kick/index";
import { createKickClient } from "../../shared/kick/endpoints";
import { getAppAccessToken } from "../../shared/tokens/getAppAccessToken";
import { Browser, EMULATOR_KICK as kick, keyOnPage, kickControl, OAUTH, PASSPHRASE } from "./adminBrowser";
import { resetWorkerState } from "../helpers/resetWorkerState";

const E = env as unknown as Cloudflare.OauthEnv;

let browser: Browser;
let firstKey: string;

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  browser = new Browser();
  await browser.login();
  const { callbackUrl } = await browser.connectThroughKick();
  firstKey = keyOnPage(await (await browser.get(callbackUrl!)).text())!;
});

describe("automation keys", () => {
  it("creates a named key limited to some capabilities, shown once, listed without its secret", async () => {
    const made = await browser.landed(
      await browser.post(`${OAUTH}/accounts/1001/keys`, [
        ["name", "stream deck"],
        ["capability", "announce"],
        ["capability", "channel"],
      ]),
    );
    expect(made.status).toBe(200);
    const key = keyOnPage(await made.text())!;
    expect(await automationKeys.verify(E.DB, key, Date.now())).toMatchObject({
      name: "stream deck",
      capabilities: ["announce", "channel"],
    });
    const listed = await automationKeys.list(E.DB, 1001);
    expect(listed.map((k) => k.name)).toEqual(["default", "stream deck"]);
    const page = await (await browser.get(`${OAUTH}/accounts/1001`)).text();
    expect(page).toContain("stream deck");
    expect(page).not.toContain(key);
    expect(page).not.toContain(firstKey);
  });

  it("may be sent in the URL only when made for it (or for an overlay), and shows URL examples only then", async () => {
    const make = async (fields: [string, string][]) => {
      const page = await (await browser.landed(await browser.post(`${OAUTH}/accounts/1001/keys`, fields))).text();
      const key = keyOnPage(page)!;
      return { page, key, info: await automationKeys.verify(E.DB, key, Date.now()) };
    };
    const zap = await make([
      ["name", "zap"],
      ["capability", "chat"],
    ]);
    expect(zap.info).toMatchObject({ allowUrl: false });
    expect(zap.page).not.toContain(`?key=${zap.key}`);
    const applet = await make([
      ["name", "ifttt"],
      ["capability", "chat"],
      ["allow_url", "on"],
    ]);
    expect(applet.info).toMatchObject({ allowUrl: true, allowGet: false });
    expect(applet.page).toContain(`&#38;key=${applet.key})`);
    const obs = await make([
      ["name", "obs"],
      ["capability", "overlay"],
    ]);
    expect(obs.info).toMatchObject({ allowUrl: true });
    expect((await automationKeys.verify(E.DB, firstKey, Date.now()))!.allowUrl).toBe(false);
  });

  it("refuses a key without a name, without capabilities, or with ones the account was not granted", async () => {
    const browserBot = browser;
    for (const [fields, why] of [
      [
        [
          ["name", ""],
          ["capability", "chat"],
        ],
        "name",
      ],
      [[["name", "x"]], "pick at least one"],
      [
        [
          ["name", "x"],
          ["capability", "events"],
        ],
        "was not granted",
      ],
      [
        [
          ["name", "x"],
          ["capability", "launch_rockets"],
        ],
        "not a capability",
      ],
    ] as [[string, string][], string][]) {
      const response = await browserBot.post(`${OAUTH}/accounts/1001/keys`, fields);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(why);
    }
    expect(await automationKeys.list(E.DB, 1001)).toHaveLength(1);
  });

  it("revokes a key so it stops working", async () => {
    const [info] = await automationKeys.list(E.DB, 1001);
    const response = await browser.post(`${OAUTH}/accounts/1001/keys/${info!.id}/revoke`, {});
    expect(response.status).toBe(303);
    expect(await automationKeys.verify(E.DB, firstKey, Date.now())).toBeNull();
    expect(await automationKeys.list(E.DB, 1001)).toEqual([]);
  });

  it("does not accept a key with a wrong secret, even with a real id", async () => {
    const forged = firstKey.slice(0, -4) + (firstKey.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(await automationKeys.verify(E.DB, forged, Date.now())).toBeNull();
    expect(await automationKeys.verify(E.DB, "ke_nonsense", Date.now())).toBeNull();
  });
});

describe("disconnecting", () => {
  it("revokes both tokens at Kick, deletes the channel's event subscriptions, the record, the account and its keys", async () => {
    const record = (await readTokenRecord(E, 1001))!;
    const app = createKickClient(kick, { getToken: () => getAppAccessToken(E, kick) });
    await app.createSubscriptions({
      broadcaster_user_id: 1001,
      events: [{ name: "channel.followed", version: 1 }],
      method: "webhook",
    });
    await app.createSubscriptions({
      broadcaster_user_id: 3001,
      events: [{ name: "channel.followed", version: 1 }],
      method: "webhook",
    });
    const response = await browser.post(`${OAUTH}/accounts/1001/disconnect`, {});
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/?done=disconnected");
    expect(await introspectToken(kick, record.accessToken)).toEqual({ active: false });
    await expect(refreshToken(kick, record.refreshToken)).rejects.toBeInstanceOf(KickInvalidGrantError);
    expect(await readTokenRecord(E, 1001)).toBeNull();
    expect(await accounts.get(E.DB, 1001)).toBeNull();
    expect(await automationKeys.verify(E.DB, firstKey, Date.now())).toBeNull();
    // Another channel of the same app keeps its subscription.
    expect(
      (await kickControl<{ broadcaster_user_id: number }[]>("GET", "/subscriptions")).map((s) => s.broadcaster_user_id),
    ).toEqual([3001]);
    expect(await (await browser.get(`${OAUTH}/?done=disconnected`)).text()).toContain("Disconnected");
  });

  it("still forgets everything when Kick cannot be reached", async () => {
    await kickControl("POST", "/faults", { method: "POST", path: "/oauth/revoke", status: 503, times: 10 });
    expect((await browser.post(`${OAUTH}/accounts/1001/disconnect`, {})).status).toBe(303);
    expect(await readTokenRecord(E, 1001)).toBeNull();
    expect(await accounts.get(E.DB, 1001)).toBeNull();
  });
});

describe("status", () => {
  it("counts what is still sealed under an older key after a rotation, and says when nothing is", async () => {
    expect(await (await browser.get(`${OAUTH}/status`)).text()).toContain("Everything is sealed under the current");
    // The connected account's record, as if sealed before the key rotated.
    await E.DB.prepare("UPDATE token_records SET sealed = 'v1.0ldk3y00.aaaa.bbbb' WHERE account_id = 1001").run();
    const body = await (
      await fetchStatus(`Bearer ${PASSPHRASE}`)
    ).json<{
      data: { sealed_on_old_keys: Record<string, number> };
    }>();
    expect(body.data.sealed_on_old_keys).toEqual({ token_records: 1, relay_secrets: 0, oauth_flows: 0 });
    expect(await (await browser.get(`${OAUTH}/status`)).text()).toContain("1 token records, 0 relay secrets");
  });

  it("lists accounts for people and tools, with needs-re-connect shown", async () => {
    await E.DB.prepare(
      "UPDATE accounts SET needs_reconnect = 1, reconnect_reason = 'refresh token rejected (invalid_grant)'",
    ).run();
    const html = await (await browser.get(`${OAUTH}/status`)).text();
    expect(html).toContain("Needs re-connect: Kick no longer accepts");
    expect(html).not.toContain("invalid_grant");
    const tool = await fetchStatus(`Bearer ${PASSPHRASE}`);
    expect(tool.status).toBe(200);
    const body = await tool.json<{ ok: boolean; data: { accounts: Record<string, unknown>[] } }>();
    expect(body.data.accounts).toEqual([
      expect.objectContaining({
        id: 1001,
        username: "demo_streamer",
        state: "needs_reconnect",
        reconnect_url: `${OAUTH}/`,
        // Tools keep the machine's words.
        reconnect_reason: "refresh token rejected (invalid_grant)",
        capabilities: expect.arrayContaining(["chat", "announce"]),
      }),
    ]);
    expect(JSON.stringify(body)).not.toMatch(/access_token|refresh_token/);
  });

  it("answers tools without the secret with a JSON 401", async () => {
    const response = await fetchStatus("Bearer wrong");
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });
});

async function fetchStatus(authorization: string) {
  const { SELF } = await import("cloudflare:test");
  return SELF.fetch(`${OAUTH}/status`, { headers: { accept: "application/json", authorization } });
}
