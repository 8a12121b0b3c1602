import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { applyLocalMigrations, wranglerDev } from "./wranglerDev";

/** Ports apart from `npm start`'s (8787-8793), so the tests run while a dev suite is up. */
export const E2E_PORTS = {
  oauth: 18787,
  automations: 18788,
  webhooks: 18789,
  refresh: 18790,
  emulator: 18791,
  rules: 18792,
  controlRoom: 18793,
};
export const E2E_ADMIN_SECRET = "e2e admin passphrase";

declare module "vitest" {
  export interface ProvidedContext {
    emulatorUrl: string;
    oauthUrl: string;
    automationsUrl: string;
    webhooksUrl: string;
    refreshUrl: string;
    persistDir: string;
  }
}

/**
 * The suite as `npm start` runs it, on its own ports and its own state folder: the emulator,
 * then the oauth, automations, webhooks, refresh, rules and control room Workers pointed at it, sharing one
 * local D1 and KV, and reaching each other through service bindings (wrangler's dev registry).
 */
export default async function setup(project: TestProject) {
  const persist = mkdtempSync(join(tmpdir(), "kick-edge-e2e-"));
  applyLocalMigrations("oauth", persist);
  const emulator = await wranglerDev("kick-emulator", E2E_PORTS.emulator, persist, {
    EMULATOR_WEBHOOK_URL: `http://127.0.0.1:${E2E_PORTS.webhooks}/kick`,
  });
  const oauthUrl = `http://127.0.0.1:${E2E_PORTS.oauth}`;
  const automationsUrl = `http://127.0.0.1:${E2E_PORTS.automations}`;
  const kick = {
    KICK_ID_BASE: emulator.url,
    KICK_API_BASE: emulator.url,
    KICK_CLIENT_ID: "e2e-client",
    KICK_CLIENT_SECRET: "e2e-secret",
    TOKEN_ENCRYPTION_KEY: "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA=",
  };
  const workers = [emulator];
  try {
    await fetch(`${emulator.url}/_emulator/clients`, {
      method: "POST",
      body: JSON.stringify({
        client_id: "e2e-client",
        client_secret: "e2e-secret",
        name: "kick-edge e2e",
        redirect_uris: [`${oauthUrl}/callback`],
      }),
    });
    workers.push(
      await wranglerDev("oauth", E2E_PORTS.oauth, persist, {
        ...kick,
        ADMIN_SECRET: E2E_ADMIN_SECRET,
        AUTOMATIONS_URL: automationsUrl,
      }),
    );
    workers.push(await wranglerDev("automations", E2E_PORTS.automations, persist, kick));
    workers.push(await wranglerDev("webhooks", E2E_PORTS.webhooks, persist, kick));
    workers.push(await wranglerDev("refresh", E2E_PORTS.refresh, persist, kick));
    workers.push(await wranglerDev("rules", E2E_PORTS.rules, persist, { OAUTH_URL: oauthUrl }));
    workers.push(
      await wranglerDev("control-room", E2E_PORTS.controlRoom, persist, {
        OAUTH_URL: oauthUrl,
        AUTOMATIONS_URL: automationsUrl,
      }),
    );
  } catch (error) {
    await Promise.all(workers.map((w) => w.stop()));
    throw error;
  }
  project.provide("emulatorUrl", emulator.url);
  project.provide("oauthUrl", oauthUrl);
  project.provide("automationsUrl", automationsUrl);
  project.provide("webhooksUrl", `http://127.0.0.1:${E2E_PORTS.webhooks}`);
  project.provide("refreshUrl", `http://127.0.0.1:${E2E_PORTS.refresh}`);
  project.provide("persistDir", persist);
  return async () => {
    await Promise.all(workers.map((w) => w.stop()));
    rmSync(persist, { recursive: true, force: true });
  };
}
