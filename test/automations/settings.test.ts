import { createExecutionContext, env } from "cloudflare:test";
import { expect, it } from "vitest";
import automations from "../../functions/automations/index";
import { automationsSettings, type AutomationsEnv } from "../../functions/automations/settings";
import webhooks from "../../functions/webhooks/index";
import type { WebhooksEnv } from "../../functions/webhooks/settings";

const E = env as unknown as AutomationsEnv;

it("reads wrangler.toml's values, parsed once per env", () => {
  const settings = automationsSettings(E);
  expect(settings).toMatchObject({ KICKS_SNAPSHOT_LIVE_MINUTES: 5, KICKS_SNAPSHOT_MINUTES: 60 });
  expect(settings.kick.apiBase).toBe("http://kick.test");
  // The same env is not parsed again: the parsed values are the same object.
  expect(automationsSettings(E).kick).toBe(settings.kick);
});

it("answers a bad var with a 500 that names it and why, before any route runs", async () => {
  const bad = { ...E, KICKS_SNAPSHOT_MINUTES: "hourly", OAUTH_URL: "connect-page" } as AutomationsEnv;
  const response = await automations.fetch(
    new Request("http://127.0.0.1:8788/v1/status?key=whatever"),
    bad,
    createExecutionContext(),
  );
  expect(response.status).toBe(500);
  const body = (await response.json()) as { error: { code: string; message: string; details: unknown } };
  expect(body.error.code).toBe("bad_setting");
  expect(body.error.details).toEqual([
    { field: "OAUTH_URL", reason: "must be an http(s) URL, or empty" },
    { field: "KICKS_SNAPSHOT_MINUTES", reason: "must be a whole number from 1 to 10080" },
  ]);
  expect(body.error.message).not.toContain("hourly");
});

it("refuses an out-of-range value in the webhooks Worker too, naming the bound", async () => {
  // (This project runs with the automations vars, so the webhooks ones are added.)
  const webhooksEnv = env as unknown as WebhooksEnv;
  const post = (vars: Record<string, string>) =>
    webhooks.fetch(
      new Request("http://127.0.0.1:8789/kick", { method: "POST", body: "{}" }),
      { ...webhooksEnv, RELAY_HTTP_HOSTS: "localhost,127.0.0.1", ...vars },
      createExecutionContext(),
    );
  const bad = await post({ WEBHOOK_MAX_AGE_SECONDS: "86400" });
  expect(bad.status).toBe(500);
  expect(await bad.json()).toMatchObject({
    error: {
      code: "bad_setting",
      details: [{ field: "WEBHOOK_MAX_AGE_SECONDS", reason: "must be a whole number from 1 to 3600" }],
    },
  });
  // A mistyped cron setting does not make the intake refuse Kick: it reads only its own.
  const intake = await post({ WEBHOOK_MAX_AGE_SECONDS: "300", SUBSCRIPTION_SYNC_MINUTES: "often" });
  expect(intake.status).toBe(400);
  expect(await intake.json()).toMatchObject({ error: { code: "missing_header" } });
});
