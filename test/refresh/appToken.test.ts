import { env } from "cloudflare:test";
import { beforeEach, expect, it } from "vitest";
import type { RefreshEnv } from "../../functions/refresh/settings";
import { introspectToken, kickConfigFromEnv } from "../../shared/kick/index";
import { createKickClient } from "../../shared/kick/endpoints";
import { accountTokenSource } from "../../shared/refresh/getAccessToken";
import { getAppAccessToken } from "../../shared/tokens/getAppAccessToken";
import { readAuthoritativeTokenRecord } from "../../shared/storage/tokenStore";
import { kickControl } from "../helpers/browser";
import { connectedAccount, grantsByUser } from "../helpers/connectedAccount";
import { resetWorkerState } from "../helpers/resetWorkerState";

const E = env as unknown as RefreshEnv;
const kick = () => kickConfigFromEnv(E);

beforeEach(async () => {
  await kickControl("POST", "/reset");
  await resetWorkerState(E);
});

it("fetches the app token once, caches it sealed, and renews it before it expires", async () => {
  const first = await getAppAccessToken(E, kick());
  expect(await getAppAccessToken(E, kick())).toBe(first);
  expect(await countGrants("client_credentials")).toBe(1);
  expect(await E.TOKENS.get("app-token")).not.toContain(first);
  expect(await introspectToken(kick(), first)).toMatchObject({ active: true, token_type: "app" });
  // 59.5 days later (the emulator's app tokens live 60): within the renewal margin.
  const renewed = await getAppAccessToken(E, kick(), Date.now() + 59.5 * 86_400_000);
  expect(renewed).not.toBe(first);
  expect(await countGrants("client_credentials")).toBe(2);
});

it("a Kick client with the account's token source refreshes once on a 401 and goes on", async () => {
  const record = await connectedAccount(E, 1001, 60 * 60_000);
  // Kick stops honouring the access token early (revoked server side): the client gets a 401.
  await kickControl("POST", "/clock", { advance_seconds: 7300 });
  const client = createKickClient(kick(), accountTokenSource(E, 1001, kick()));
  const [me] = await client.getUsers();
  expect(me!.user_id).toBe(1001);
  expect((await readAuthoritativeTokenRecord(E, 1001))!.version).toBe(record.version + 1);
  expect((await grantsByUser()).get(1001)).toEqual([200]);
});

async function countGrants(grant: string) {
  const calls = await kickControl<{ grant: string }[]>("GET", "/grants");
  return calls.filter((c) => c.grant === grant).length;
}
