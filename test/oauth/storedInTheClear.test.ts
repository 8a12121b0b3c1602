import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { Browser, keyOnPage, kickControl } from "./adminBrowser";
import { resetWorkerState } from "../helpers/resetWorkerState";

const E = env as unknown as Cloudflare.OauthEnv;

it("after a connect, no token and no key secret is anywhere in KV or D1 in the clear", async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
  const browser = new Browser();
  await browser.login();
  const { callbackUrl } = await browser.connectThroughKick();
  const key = keyOnPage(await (await browser.get(callbackUrl!)).text())!;
  const { access_tokens, refresh_tokens } = await kickControl<{ access_tokens: string[]; refresh_tokens: string[] }>(
    "GET",
    "/tokens?user_id=1001",
  );
  const secrets = [...access_tokens, ...refresh_tokens, key, key.split("_").slice(2).join("_")];
  expect(secrets.every((s) => s.length > 20)).toBe(true);

  let everything = "";
  for (const { name } of (await E.TOKENS.list()).keys) everything += name + (await E.TOKENS.get(name));
  const { results: tables } = await E.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  for (const { name } of tables)
    everything += JSON.stringify((await E.DB.prepare(`SELECT * FROM "${name}"`).all()).results);

  expect(everything).toContain("demo_streamer");
  expect(everything).toMatch(/v1\.[0-9a-f]{8}\./);
  for (const secret of secrets) expect(everything).not.toContain(secret);
});
