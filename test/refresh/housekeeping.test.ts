import { createExecutionContext, createScheduledController, env } from "cloudflare:test";
import { beforeEach, expect, it } from "vitest";
import refresh from "../../functions/refresh/index";
import { accounts } from "../../shared/storage/accountsStore";
import { resetWorkerState } from "../helpers/resetWorkerState";
import { countTokensOnOldKeys, readTokenRecord, storeNewTokens } from "../../shared/storage/tokenStore";
import { relaySecretsSweep } from "../../shared/storage/rulesStore";
import { keyRing } from "../../shared/tokens/encryptionKeys";
import { seal, sealedUnderCurrentKey, unseal } from "../../shared/tokens/seal";
import { relaySecretContext } from "../../shared/webhooks/relayDeliveries";

const E = env as unknown as Cloudflare.RefreshEnv;
const HOUR = 3_600_000;

beforeEach(async () => {
  await resetWorkerState(E);
  await accounts.connect(E.DB, {
    id: 1001,
    username: "demo_streamer",
    role: "broadcaster",
    scopes: ["kicks:read"],
    tokenExpiresAt: Date.now(),
    now: Date.now(),
  });
});

const snapshots = async () =>
  (await E.DB.prepare("SELECT COUNT(*) AS n FROM kicks_snapshots").first<{ n: number }>())!.n;

it("the hourly housekeeping run thins KICKs history; the refresh run does not", async () => {
  const now = Math.floor(Date.now() / HOUR) * HOUR;
  const old = now - 30 * 24 * HOUR;
  // Three rankings in one old hour: retention keeps the first of the hour (and the newest ranking).
  for (const [i, t] of [old, old + 60_000, old + 120_000, now].entries()) {
    await E.DB.prepare(
      "INSERT INTO kicks_snapshots (account_id, period, taken_at, last_seen_at, digest) VALUES (1001, 'week', ?, ?, ?)",
    )
      .bind(t, t, `d${i}`)
      .run();
  }
  await refresh.scheduled(
    createScheduledController({ cron: "*/5 * * * *", scheduledTime: now }),
    E,
    createExecutionContext(),
  );
  expect(await snapshots()).toBe(4);
  await refresh.scheduled(
    createScheduledController({ cron: "17 * * * *", scheduledTime: now + 17 * 60_000 }),
    E,
    createExecutionContext(),
  );
  expect(await snapshots()).toBe(2);
});

it("a mistyped retention setting fails housekeeping by name, and never stops token refresh", async () => {
  const mistyped = { ...E, KICKS_KEEP_ALL_DAYS: "a week" };
  const run = (cron: string) =>
    refresh.scheduled(
      createScheduledController({ cron, scheduledTime: Date.now() }),
      mistyped,
      createExecutionContext(),
    );
  await expect(run("17 * * * *")).rejects.toThrow(/KICKS_KEEP_ALL_DAYS must be a whole number from 1 to 3650/);
  await expect(run("*/5 * * * *")).resolves.toBeUndefined();
});

it("after TOKEN_ENCRYPTION_KEY rotates, moves token records and relay secrets to the new key, so the old one can go", async () => {
  const oldKey = E.TOKEN_ENCRYPTION_KEY!;
  const newKey = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
  // Sealed under the old key, as before the rotation.
  await storeNewTokens(E, {
    accountId: 1001,
    accessToken: "access-before",
    refreshToken: "refresh-before",
    expiresAt: Date.now() + HOUR,
    scopes: ["kicks:read"],
    obtainedAt: Date.now(),
  });
  const oldRing = await keyRing(E);
  const context = relaySecretContext("r1");
  await E.DB.prepare(
    "INSERT INTO relays (id, account_id, name, url, events, secret, previous_secret, previous_secret_until, created_at) VALUES ('r1', 1001, 'zap', 'https://hooks.example.com/x', '[\"*\"]', ?, ?, ?, 0)",
  )
    .bind(await seal(oldRing, "whsec_new", context), await seal(oldRing, "whsec_old", context), Date.now() + HOUR)
    .run();

  // A record that no longer opens (its key dropped by an earlier rotation) must not stop the sweep.
  await accounts.connect(E.DB, {
    id: 1000,
    username: "lost",
    role: "broadcaster",
    scopes: [],
    tokenExpiresAt: 0,
    now: Date.now(),
  });
  await E.DB.prepare(
    "INSERT INTO token_records (account_id, version, sealed, expires_at) VALUES (1000, 1, 'v1.deadbeef.aaaa.bbbb', 0)",
  ).run();
  // A relay whose previous secret's overlap has ended: dropped, not re-sealed.
  await E.DB.prepare(
    "INSERT INTO relays (id, account_id, name, url, events, secret, previous_secret, previous_secret_until, created_at) VALUES ('r2', 1001, 'old', 'https://hooks.example.com/y', '[\"*\"]', ?, 'v1.deadbeef.aaaa.bbbb', 1, 0)",
  )
    .bind(await seal(oldRing, "whsec_r2", relaySecretContext("r2")))
    .run();

  const rotated = { ...E, TOKEN_ENCRYPTION_KEY: newKey, TOKEN_ENCRYPTION_KEYS_OLD: oldKey };
  await refresh.scheduled(
    createScheduledController({ cron: "17 * * * *", scheduledTime: Date.now() }),
    rotated,
    createExecutionContext(),
  );
  // Readable with the new key alone: the old one can be dropped.
  const onlyNew = { ...E, TOKEN_ENCRYPTION_KEY: newKey, TOKEN_ENCRYPTION_KEYS_OLD: "" };
  expect(await readTokenRecord(onlyNew, 1001)).toMatchObject({
    accessToken: "access-before",
    refreshToken: "refresh-before",
  });
  const relay = (await E.DB.prepare("SELECT secret, previous_secret FROM relays WHERE id = 'r1'").first<{
    secret: string;
    previous_secret: string;
  }>())!;
  const newRing = await keyRing(onlyNew);
  expect(await unseal(newRing, relay.secret, context)).toBe("whsec_new");
  expect(await unseal(newRing, relay.previous_secret, context)).toBe("whsec_old");
  expect(
    await E.DB.prepare("SELECT previous_secret FROM relays WHERE id = 'r2'").first<{ previous_secret: null }>(),
  ).toEqual({ previous_secret: null });
  // Only the record that cannot be opened remains on an old key.
  expect(await countTokensOnOldKeys(E.DB, sealedUnderCurrentKey(newRing))).toBe(1);
  await E.DB.prepare("DELETE FROM accounts WHERE id = 1000").run();
  expect(await relaySecretsSweep.count(E.DB, sealedUnderCurrentKey(newRing))).toBe(0);
});
