import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";

const kickControl = (path: string, body?: unknown) =>
  fetch(`http://kick.test/_emulator${path}`, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const appTokenCalls = async () =>
  ((await (await kickControl("/grants")).json()) as { grant: string }[]).filter((g) => g.grant === "client_credentials")
    .length;
const health = (query = "") => SELF.fetch(`http://127.0.0.1:8787/healthz/kick${query}`);

// `npm run deploy -- --check` asks the deployed oauth Worker whether Kick takes the app's credentials.
it("says Kick accepts the app's credentials, from the cached app token after the first time", async () => {
  const first = await health();
  expect(first.status).toBe(200);
  expect(await first.json()).toEqual({ ok: true, data: { kick: "app credentials accepted" } });
  const calls = await appTokenCalls();
  expect(calls).toBeGreaterThan(0);
  expect((await health()).status).toBe(200);
  expect(await appTokenCalls()).toBe(calls);
});

it("?fresh=1 asks Kick itself, so a secret changed since the token was cached is caught, once a minute at most", async () => {
  expect((await health()).status).toBe(200);
  // The app's secret is rotated in Kick's settings; the cached token still works.
  await kickControl("/clients", {
    client_id: "emulator-client",
    client_secret: "rotated-in-kicks-settings",
    redirect_uris: ["http://127.0.0.1:8787/callback"],
  });
  expect((await health()).status).toBe(200);
  const before = await appTokenCalls();
  const refused = await health("?fresh=1");
  expect(refused.status).toBe(502);
  const text = await refused.text();
  expect(JSON.parse(text)).toMatchObject({ ok: false, error: { code: "kick_credentials_refused" } });
  expect(text).not.toContain("emulator-secret");
  expect((await health("?fresh=1")).status).toBe(502);
  expect(await appTokenCalls()).toBe(before + 1);
});

it("without a cached token, a refused secret fails the plain check too", async () => {
  await (env as unknown as Cloudflare.OauthEnv).TOKENS.delete("app-token");
  expect((await health()).status).toBe(502);
});
