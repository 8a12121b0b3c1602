import { Router } from "itty-router";
import { accounts } from "../../shared/accounts/accounts";
import { automationKeys } from "../../shared/keys/automationKeys";
import { presentedKey } from "../../shared/keys/presentedKey";

type AutomationsEnv = Cloudflare.AutomationsEnv;

const fail = (status: number, code: string, message: string) => Response.json({ ok: false, error: { code, message } }, { status });
const ok = (data: unknown) => Response.json({ ok: true, data });

const router = Router<Request, [AutomationsEnv]>();

router.get("/healthz", () => ok({ status: "ok" }));

/** Who a key acts for and what it may do: the first thing a new Zap or Stream Deck button calls. */
router.get("/v1/whoami", async (request: Request, env: AutomationsEnv) => {
  const presented = presentedKey(request);
  if (!presented) return fail(401, "missing_key", "send the automation key as Authorization: Bearer <key>, X-Api-Key: <key>, or ?key=<key>");
  const key = await automationKeys.verify(env.DB, presented, Date.now());
  if (!key) return fail(401, "invalid_key", "this automation key is unknown or was revoked");
  const account = await accounts.get(env.DB, key.accountId);
  if (!account) return fail(401, "invalid_key", "the account of this key is no longer connected");
  return ok({
    account: {
      id: account.id,
      username: account.username,
      role: account.role,
      needs_reconnect: account.needsReconnect,
      ...(account.needsReconnect ? { reconnect_reason: account.reconnectReason, reconnect_url: `${env.OAUTH_URL.replace(/\/$/, "")}/` } : {}),
    },
    key: { id: key.id, name: key.name, capabilities: key.capabilities },
  });
});

/** Trigger endpoints for Zapier, IFTTT, Stream Deck and cron (the full API arrives with its issue). */
export default {
  async fetch(request, env) {
    return (await router.fetch(request, env)) ?? fail(404, "not_found", `no endpoint ${request.method} ${new URL(request.url).pathname}`);
  },
} satisfies ExportedHandler<AutomationsEnv>;
