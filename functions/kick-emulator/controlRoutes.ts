import { Router } from "itty-router/Router";
import * as z from "zod/mini";
import { checkInput, issuesText } from "../../shared/validation/checkInput";
import { EVENT_TYPES } from "../../shared/kick/schemas/events";
import { ALL_KICK_SCOPES } from "../../shared/kick/scopes";
import { isoAt, type Ctx } from "./context";
import { newFault } from "./faults";
import { seed, defaultSettings, DEMO } from "./seed";
import { signedDelivery } from "./signedDelivery";
import { giftKicks, patchChannel, redeem, viewerEvent, viewersOf } from "./channelActions";
import { channelFeed } from "./channelPage";
import { readForm } from "./http";
import { BIG_COLLECTIONS, type Inbox, type Settings } from "./state";
import { clearStored } from "./storedMap";
import { issueUserTokens } from "./tokens";

const bad = (message: string, details?: unknown) =>
  Response.json({ error: { code: "invalid_input", message, details } }, { status: 400 });

async function body<S extends z.ZodMiniType>(
  ctx: Ctx,
  schema: S,
  form = false,
): Promise<{ ok: true; value: z.output<S> } | { ok: false; response: Response }> {
  let raw: unknown = {};
  if (form)
    // A page's form: its numbers arrive as text.
    raw = Object.fromEntries(
      [...(await readForm(ctx.request))].map(([k, v]) => [k, /^(user_id|count|amount)$/.test(k) ? Number(v) : v]),
    );
  else {
    const text = await ctx.request.text();
    if (text.trim()) {
      try {
        raw = JSON.parse(text);
      } catch {
        return { ok: false, response: bad("body must be JSON") };
      }
    }
  }
  const checked = checkInput(schema, raw);
  if (!checked.ok) return { ok: false, response: bad(issuesText(checked.issues), checked.issues) };
  return { ok: true, value: checked.data };
}

const SettingsPatch = z.partial(
  z.object({
    access_token_ttl: z.int().check(z.positive()),
    app_token_ttl: z.int().check(z.positive()),
    refresh_token_ttl: z.int().check(z.positive()),
    refresh_grace: z.int().check(z.nonnegative()),
    code_ttl: z.int().check(z.positive()),
    auto_approve: z.boolean(),
    bot_chat_works: z.boolean(),
    chat_rate_max: z.int().check(z.positive()),
    chat_rate_window: z.int().check(z.positive()),
    subscription_limit: z.int().check(z.nonnegative()),
    chat_subscription_limit: z.int().check(z.nonnegative()),
    webhook_url: z.nullable(z.url()),
  }),
);

const ChannelPatch = z.partial(
  z.object({
    is_live: z.boolean(),
    stream_title: z.string(),
    viewer_count: z.int().check(z.nonnegative()),
    category_id: z.int(),
    language: z.string(),
    is_mature: z.boolean(),
    custom_tags: z.array(z.string()),
  }),
);

const ChannelAction = z.object({
  action: z.enum(["live", "offline", "follow", "subscribe", "gifts", "kicks", "redeem"]),
  user_id: z.optional(z.int()),
  count: z.optional(z.int().check(z.positive())),
  amount: z.optional(z.int().check(z.positive())),
  reward_id: z.optional(z.string()),
  user_input: z.optional(z.string()),
});

const channelOf = (ctx: Ctx, id: string | undefined) =>
  ctx.state.channels.find((c) => c.broadcaster_user_id === Number(id));
const noChannel = () => Response.json({ error: { code: "not_found", message: "no such channel" } }, { status: 404 });

const WebhookSend = z.object({
  type: z.enum(EVENT_TYPES),
  broadcaster_user_id: z.optional(z.int()),
  to: z.optional(z.url()),
  overrides: z.optional(z.record(z.string(), z.unknown())),
  message_id: z.optional(z.string()),
  timestamp: z.optional(z.string()),
  subscription_id: z.optional(z.string()),
});

/** The emulator's control API under /_emulator: set the scene, inject faults, send signed webhooks. */
export function controlRouter(env: Parameters<typeof defaultSettings>[0]) {
  const router = Router<Request & { params: Record<string, string>; query: Record<string, string | undefined> }, [Ctx]>(
    { base: "/_emulator" },
  );

  router.get("/", () =>
    Response.json({
      routes: [
        "GET /_emulator/state",
        "POST /_emulator/reset",
        "PATCH /_emulator/settings",
        "POST /_emulator/clock {advance_seconds}",
        "POST /_emulator/session {user_id}",
        "POST /_emulator/clients {client_id, client_secret, redirect_uris}",
        "POST /_emulator/tokens {user_id, scopes, client_id?}",
        "GET /_emulator/tokens?user_id= (live token values, for tests)",
        "POST /_emulator/tokens/bulk {first_user_id, count} (synthetic accounts for scale runs)",
        "PATCH /_emulator/channels/:id {is_live, stream_title, viewer_count, category_id, ...}",
        "GET /_emulator/channels/:id/feed (its chat and events, for its page /channel/:slug)",
        "POST /_emulator/channels/:id/actions {action: live|offline|follow|subscribe|gifts|kicks|redeem, user_id?, count?, amount?, reward_id?, user_input?}",
        "POST /_emulator/redemptions {reward_id, user_id, user_input?}",
        "POST /_emulator/kicks {broadcaster_user_id, user_id, amount}",
        "POST|GET|DELETE /_emulator/faults",
        "GET|DELETE /_emulator/requests",
        "GET /_emulator/requests/count (every Kick request ever served)",
        "GET /_emulator/grants (every token-endpoint call: grant, user, status)",
        "POST /_emulator/webhooks {type, to?, broadcaster_user_id?, overrides?}",
        "GET /_emulator/subscriptions (every app's) · DELETE /_emulator/subscriptions/:id (Kick dropping one silently)",
        "POST /_emulator/inbox/:name (a relay receiver: records, answers 200 or the armed failure)",
        "GET|DELETE /_emulator/inbox/:name · PUT /_emulator/inbox/:name {fail_next, fail_status}",
      ],
    }),
  );

  router.get("/state", (_, ctx) => {
    const { access_tokens, refresh_tokens, codes, signing_key: _k, grants: _g, ...visible } = ctx.state;
    // Token values stay out of the dump; counts are enough to assert on.
    return Response.json({
      ...visible,
      now: isoAt(ctx.now),
      token_counts: {
        access: Object.keys(access_tokens).length,
        access_active: Object.values(access_tokens).filter((t) => !t.revoked && t.expires_at > ctx.now).length,
        refresh: Object.keys(refresh_tokens).length,
        refresh_unused: Object.values(refresh_tokens).filter((t) => !t.revoked && t.used_at === null).length,
        codes: Object.keys(codes).length,
      },
      refresh_calls: Object.values(refresh_tokens).filter((t) => t.used_at !== null).length,
    });
  });

  router.post("/reset", (_, ctx) => {
    // Registered apps and the webhook key are setup, not state: they survive a reset.
    const fresh = seed(defaultSettings(env), Date.now());
    for (const prefix of Object.values(BIG_COLLECTIONS)) clearStored(ctx.storage, prefix);
    const clients = [
      ...fresh.clients,
      ...ctx.state.clients.filter((c) => !fresh.clients.some((f) => f.client_id === c.client_id)),
    ];
    Object.assign(ctx.state, fresh, { signing_key: ctx.state.signing_key, clients, inboxes: {} });
    return Response.json({ ok: true });
  });

  router.patch("/settings", async (_, ctx) => {
    const b = await body(ctx, SettingsPatch);
    if (!b.ok) return b.response;
    Object.assign(ctx.state.settings, b.value as Partial<Settings>);
    return Response.json(ctx.state.settings);
  });

  router.post("/clock", async (_, ctx) => {
    const b = await body(ctx, z.object({ advance_seconds: z.number() }));
    if (!b.ok) return b.response;
    ctx.state.clock_offset_ms += b.value.advance_seconds * 1000;
    return Response.json({
      now: isoAt(Date.now() + ctx.state.clock_offset_ms),
      offset_seconds: ctx.state.clock_offset_ms / 1000,
    });
  });

  router.post("/session", async (_, ctx) => {
    const b = await body(ctx, z.object({ user_id: z.int() }));
    if (!b.ok) return b.response;
    if (!ctx.state.users.some((u) => u.user_id === b.value.user_id)) return bad("user_id: unknown user");
    ctx.state.session_user_id = b.value.user_id;
    return Response.json({ session_user_id: b.value.user_id });
  });

  router.post("/clients", async (_, ctx) => {
    const b = await body(
      ctx,
      z.object({
        client_id: z.string().check(z.minLength(1)),
        client_secret: z.string().check(z.minLength(1)),
        name: z.optional(z.string()),
        redirect_uris: z.array(z.url()),
      }),
    );
    if (!b.ok) return b.response;
    const { client_id, client_secret, name, redirect_uris } = b.value;
    ctx.state.clients = [
      ...ctx.state.clients.filter((c) => c.client_id !== client_id),
      { client_id, client_secret, name: name ?? client_id, redirect_uris },
    ];
    return Response.json({ client_id, redirect_uris });
  });

  router.post("/tokens", async (_, ctx) => {
    const b = await body(
      ctx,
      z.object({ user_id: z.int(), scopes: z.optional(z.array(z.string())), client_id: z.optional(z.string()) }),
    );
    if (!b.ok) return b.response;
    if (!ctx.state.users.some((u) => u.user_id === b.value.user_id)) return bad("user_id: unknown user");
    return Response.json(
      issueUserTokens(
        ctx.state,
        b.value.client_id ?? DEMO.clientId,
        b.value.user_id,
        b.value.scopes ?? [...ALL_KICK_SCOPES],
        ctx.now,
      ),
    );
  });

  // Many synthetic accounts at once (user ids need not exist), for scale runs like `npm run bench`.
  router.post("/tokens/bulk", async (_, ctx) => {
    const b = await body(
      ctx,
      z.object({
        first_user_id: z.int().check(z.positive()),
        count: z.int().check(z.positive(), z.lte(5000)),
        scopes: z.optional(z.array(z.string())),
      }),
    );
    if (!b.ok) return b.response;
    const scopes = b.value.scopes ?? ["user:read", "chat:write"];
    const minted = Array.from({ length: b.value.count }, (_, i) => {
      const user_id = b.value.first_user_id + i;
      const t = issueUserTokens(ctx.state, DEMO.clientId, user_id, scopes, ctx.now);
      return { user_id, access_token: t.access_token, refresh_token: t.refresh_token, expires_in: t.expires_in };
    });
    return Response.json(minted);
  });

  // Token values, for tests that prove a Worker never stores or shows them in the clear.
  router.get("/tokens", ({ query }, ctx) => {
    const userId = Number(query.user_id);
    const live = (t: { user_id: number | null; revoked: boolean; expires_at: number }) =>
      t.user_id === userId && !t.revoked && t.expires_at > ctx.now;
    return Response.json({
      access_tokens: Object.entries(ctx.state.access_tokens)
        .filter(([, t]) => live(t))
        .map(([value]) => value),
      refresh_tokens: Object.entries(ctx.state.refresh_tokens)
        .filter(([, t]) => live(t) && t.used_at === null)
        .map(([value]) => value),
    });
  });

  router.patch("/channels/:id", async ({ params }, ctx) => {
    const channel = channelOf(ctx, params.id);
    if (!channel) return noChannel();
    const b = await body(ctx, ChannelPatch);
    if (!b.ok) return b.response;
    const webhooks = await patchChannel(ctx, channel, b.value);
    return Response.json({ ...channel, webhooks });
  });

  router.get("/channels/:id/feed", ({ params }, ctx) => {
    const channel = channelOf(ctx, params.id);
    return channel
      ? Response.json(channelFeed(ctx, channel), { headers: { "cache-control": "no-store" } })
      : noChannel();
  });

  // The channel page's buttons: a form comes back to the page (it works without a script), JSON gets JSON.
  router.post("/channels/:id/actions", async (request, ctx) => {
    const channel = channelOf(ctx, request.params.id);
    if (!channel) return noChannel();
    const form = (request.headers.get("content-type") ?? "").includes("form");
    const b = await body(ctx, ChannelAction, form);
    if (!b.ok) return b.response;
    const { action, user_id, count, amount, reward_id, user_input } = b.value;
    const id = channel.broadcaster_user_id;
    const viewers = viewersOf(ctx, id);
    const viewer =
      user_id === undefined
        ? viewers[Math.floor(Math.random() * viewers.length)]
        : ctx.state.users.find((u) => u.user_id === user_id);
    if (!viewer) return bad("user_id: unknown user");
    let webhooks: number[];
    if (action === "live" || action === "offline")
      webhooks = await patchChannel(ctx, channel, { is_live: action === "live" });
    else if (action === "kicks") webhooks = await giftKicks(ctx, id, viewer.user_id, amount ?? 100);
    else if (action === "redeem") {
      const reward = ctx.state.rewards.find((r) => r.id === reward_id && r.broadcaster_user_id === id && !r.is_deleted);
      if (!reward) return bad("reward_id: no such reward on this channel");
      webhooks = (await redeem(ctx, reward, viewer.user_id, user_input)).webhooks;
    } else webhooks = await viewerEvent(ctx, channel, viewer, action, count);
    return form
      ? new Response(null, { status: 303, headers: { location: `/channel/${channel.slug}` } })
      : Response.json({ action, user_id: viewer.user_id, webhooks });
  });

  router.post("/redemptions", async (_, ctx) => {
    const b = await body(
      ctx,
      z.object({ reward_id: z.string(), user_id: z.int(), user_input: z.optional(z.string()) }),
    );
    if (!b.ok) return b.response;
    const reward = ctx.state.rewards.find((r) => r.id === b.value.reward_id && !r.is_deleted);
    if (!reward) return bad("reward_id: unknown reward");
    return Response.json(await redeem(ctx, reward, b.value.user_id, b.value.user_input));
  });

  router.post("/kicks", async (_, ctx) => {
    const b = await body(
      ctx,
      z.object({ broadcaster_user_id: z.int(), user_id: z.int(), amount: z.int().check(z.positive()) }),
    );
    if (!b.ok) return b.response;
    const { broadcaster_user_id, user_id, amount } = b.value;
    return Response.json({ ok: true, webhooks: await giftKicks(ctx, broadcaster_user_id, user_id, amount) });
  });

  router.post("/faults", async (_, ctx) => {
    const b = await body(ctx, z.record(z.string(), z.unknown()));
    if (!b.ok) return b.response;
    try {
      const fault = newFault(b.value);
      ctx.state.faults.push(fault);
      return Response.json(fault, { status: 201 });
    } catch (error) {
      return bad((error as Error).message);
    }
  });
  router.get("/faults", (_, ctx) => Response.json(ctx.state.faults));
  router.delete("/faults", (_, ctx) => ((ctx.state.faults = []), Response.json({ ok: true })));

  router.get("/requests", (_, ctx) => Response.json(ctx.state.requests));
  router.get("/requests/count", (_, ctx) => Response.json({ total: ctx.state.requests_total }));
  router.get("/grants", (_, ctx) => Response.json(Object.values(ctx.state.grants)));
  router.delete("/requests", (_, ctx) => ((ctx.state.requests = []), Response.json({ ok: true })));

  router.get("/subscriptions", (_, ctx) => Response.json(ctx.state.subscriptions));
  router.delete("/subscriptions/:id", (request, ctx) => {
    const before = ctx.state.subscriptions.length;
    ctx.state.subscriptions = ctx.state.subscriptions.filter((s) => s.id !== request.params.id);
    return Response.json({ dropped: before - ctx.state.subscriptions.length });
  });

  const inbox = (ctx: Ctx, name: string): Inbox =>
    ((ctx.state.inboxes ??= {})[name] ??= { fail_next: 0, fail_status: 500, total: 0, received: [] });
  router.post("/inbox/:name", async (request, ctx) => {
    const box = inbox(ctx, request.params.name!);
    const answered = box.fail_next > 0 ? box.fail_status : 200;
    if (box.fail_next > 0) box.fail_next--;
    box.total++;
    box.received = [
      ...box.received,
      { at: isoAt(ctx.now), headers: Object.fromEntries(request.headers), body: await request.text(), answered },
    ].slice(-100);
    return Response.json({ ok: answered === 200 }, { status: answered });
  });
  router.get("/inbox/:name", (request, ctx) => Response.json(inbox(ctx, request.params.name!)));
  router.delete(
    "/inbox/:name",
    (request, ctx) => (delete ctx.state.inboxes?.[request.params.name!], Response.json({ ok: true })),
  );
  router.put("/inbox/:name", async (request, ctx) => {
    const b = await body(
      ctx,
      z.object({
        fail_next: z.int().check(z.nonnegative()),
        fail_status: z.optional(z.int().check(z.gte(100), z.lte(599))),
      }),
    );
    if (!b.ok) return b.response;
    Object.assign(inbox(ctx, request.params.name!), {
      fail_next: b.value.fail_next,
      fail_status: b.value.fail_status ?? 500,
    });
    return Response.json(inbox(ctx, request.params.name!));
  });

  router.post("/webhooks", async (_, ctx) => {
    const b = await body(ctx, WebhookSend);
    if (!b.ok) return b.response;
    const { type, to } = b.value;
    const { headers, body: rawBody } = await signedDelivery(
      ctx,
      type,
      b.value.broadcaster_user_id ?? DEMO.broadcaster,
      b.value,
    );
    let delivered: { status: number } | { error: string } | null = null;
    // The receiver's answer as it came (cut: it is only read), so `npm run kick -- event` can say what it did.
    let answer: string | null = null;
    if (to) {
      try {
        const response = await fetch(to, {
          method: "POST",
          headers,
          body: rawBody,
          signal: AbortSignal.timeout(15_000),
        });
        delivered = { status: response.status };
        answer = (await response.text().catch(() => "")).slice(0, 4096);
      } catch (error) {
        delivered = { error: (error as Error).message };
      }
    }
    return Response.json({ headers, body: rawBody, delivered, receiver_answer: answer });
  });

  return router;
}
