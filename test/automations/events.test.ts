import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { WebhooksEnv } from "../../functions/webhooks/settings";
import { kickControl } from "../helpers/browser";
import { call, setUp } from "../helpers/automationsSetup";
import { deliver, signedEvent } from "../helpers/webhookDelivery";
import { inbox, inboxUrl, signatureParts, v1Holds } from "../webhooks/relayReceivers";

const E = env as unknown as Cloudflare.AutomationsEnv;
/**
 * The webhooks Worker's intake, driven here with this project's D1, KV and emulator and the
 * webhooks Worker's vars, so a relay set up through the API can be seen delivering.
 */
const WEBHOOKS_ENV = {
  ...E,
  WEBHOOK_MAX_AGE_SECONDS: "300",
  SUBSCRIPTION_SYNC_MINUTES: "10",
  RELAY_HTTP_HOSTS: "localhost,127.0.0.1",
} as unknown as WebhooksEnv;
let key: string;
beforeEach(async () => {
  key = await setUp(E, ["events", "kicks"]);
});

const fields = (r: { json: { error: { details: { field: string }[] } } }) => r.json.error.details.map((d) => d.field);

describe("event replies", () => {
  it("are set, listed with each event's placeholders, and deleted", async () => {
    const set = await call("POST", "/v1/events/replies", key, {
      json: { event: "kicks.gifted", template: "Thank you {user} for {amount} KICKs!", cooldown_seconds: 30 },
    });
    expect(set.json.data).toEqual({
      event: "kicks.gifted",
      template: "Thank you {user} for {amount} KICKs!",
      cooldown_seconds: 30,
      as: "broadcaster",
    });
    const list = (await call("GET", "/v1/events/replies", key)).json.data;
    expect(list.replies).toEqual([set.json.data]);
    expect(list.placeholders["channel.followed"]).toEqual(["user"]);
    expect((await call("DELETE", "/v1/events/replies/kicks.gifted", key)).status).toBe(200);
    expect((await call("DELETE", "/v1/events/replies/kicks.gifted", key)).json.error.code).toBe("reply_not_found");
  });

  it("refuse a placeholder the event lacks, an event without replies, and a long cooldown, by field", async () => {
    const wrong = await call("POST", "/v1/events/replies", key, {
      json: { event: "channel.followed", template: "thanks for {amount}" },
    });
    expect(wrong.status).toBe(400);
    expect(fields(wrong)).toEqual(["template"]);
    const bad = await call("POST", "/v1/events/replies", key, {
      json: { event: "chat.message.sent", template: "hi", cooldown_seconds: 999_999 },
    });
    expect(fields(bad).sort()).toEqual(["cooldown_seconds", "event"]);
    expect((await E.DB.prepare("SELECT COUNT(*) AS n FROM event_replies").first<{ n: number }>())!.n).toBe(0);
  });
});

describe("relays", () => {
  it("are created with a secret shown once, listed without it, and deleted", async () => {
    const made = await call("POST", "/v1/events/relays", key, {
      json: {
        name: "zapier",
        url: "https://hooks.zapier.com/hooks/catch/1/abc/",
        events: ["channel.followed", "kicks.gifted"],
      },
    });
    expect(made.status).toBe(200);
    expect(made.json.data.secret).toMatch(/^whsec_/);
    const list = await call("GET", "/v1/events/relays", key);
    expect(list.json.data).toEqual([
      expect.objectContaining({
        id: made.json.data.id,
        name: "zapier",
        events: ["channel.followed", "kicks.gifted"],
        delivered: 0,
        pending: 0,
        dead: 0,
      }),
    ]);
    expect(list.text).not.toContain(made.json.data.secret);
    const stored = await E.DB.prepare("SELECT secret FROM relays").first<{ secret: string }>();
    expect(stored!.secret).not.toContain(made.json.data.secret);
    expect(
      (await call("POST", "/v1/events/relays", key, { json: { name: "zapier", url: "https://example.com/x" } })).json
        .error.code,
    ).toBe("relay_exists");
    expect((await call("DELETE", `/v1/events/relays/${made.json.data.id}`, key)).status).toBe(200);
    expect((await call("GET", "/v1/events/relays", key)).json.data).toEqual([]);
  });

  it("default to every event but chat, and refuse plain http except to local receivers", async () => {
    const local = await call("POST", "/v1/events/relays", key, {
      json: { name: "streamerbot", url: "http://127.0.0.1:7474/kick" },
    });
    expect(local.json.data.events).not.toContain("chat.message.sent");
    expect(local.json.data.events).toHaveLength(9);
    expect(
      (await call("POST", "/v1/events/relays", key, { json: { name: "firebot", url: "http://localhost:8080/x" } }))
        .status,
    ).toBe(200);
    for (const url of [
      "http://hooks.example.com/x",
      "ftp://example.com/x",
      "not a url",
      "https://user:pw@example.com/x",
      // IP literals (however written) and names that only resolve inside a network.
      "https://10.0.0.1/x",
      "https://0x0a000001/x",
      "https://169.254.169.254/latest/meta-data/",
      "https://[fd00::1]/x",
      "https://router.local/x",
      "https://metadata.google.internal/x",
      "https://intranet/x",
      "http://localhost.evil.example/",
    ]) {
      const refused = await call("POST", "/v1/events/relays", key, { json: { name: "bad", url } });
      expect(refused.status, url).toBe(400);
      expect(fields(refused)).toEqual(["url"]);
    }
    expect(
      fields(
        await call("POST", "/v1/events/relays", key, {
          json: { name: "x", url: "https://a.example/", events: ["channel.raided"] },
        }),
      ),
    ).toEqual(["events.0"]);
  });

  it("list dead deliveries and send one again", async () => {
    const { id } = (
      await call("POST", "/v1/events/relays", key, { json: { name: "down", url: "https://down.example/hook" } })
    ).json.data;
    await E.DB.prepare(
      "INSERT INTO relay_deliveries (id, relay_id, message_id, body, status, attempts, last_status, created_at, updated_at) VALUES ('d1', ?, 'm1', '{\"type\":\"channel.followed\"}', 'dead', 6, 500, 0, 0)",
    )
      .bind(id)
      .run();
    const dead = await call("GET", "/v1/events/deliveries?status=dead", key);
    expect(dead.json.data).toEqual([
      expect.objectContaining({ id: "d1", relay: "down", type: "channel.followed", attempts: 6, last_result: "5xx" }),
    ]);
    expect((await call("POST", "/v1/events/deliveries/d1/retry", key)).json.data.status).toBe("pending");
    expect((await call("POST", "/v1/events/deliveries/d1/retry", key)).json.error.code).toBe("delivery_not_found");
  });
});

describe("relay limits", () => {
  const create = (name: string) =>
    call("POST", "/v1/events/relays", key, { json: { name, url: `https://hooks.zapier.com/hooks/catch/1/${name}/` } });
  const count = async () => (await E.DB.prepare("SELECT COUNT(*) AS n FROM relays").first<{ n: number }>())!.n;

  it("are at most MAX_RELAYS_PER_ACCOUNT an account, even when made at the same moment", async () => {
    for (let i = 0; i < 7; i++) expect((await create(`r${i}`)).status).toBe(200);
    const burst = await Promise.all([...Array(6).keys()].map((i) => create(`burst${i}`)));
    expect(burst.filter((r) => r.status === 200)).toHaveLength(3);
    const refused = burst.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      expect(r.status).toBe(409);
      expect(r.json.error).toMatchObject({ code: "relay_limit", details: { limit: 10 } });
      expect(r.json.error.message).toContain("10 relays");
    }
    expect(await count()).toBe(10);
    // The name check still comes first, and a deleted relay makes room.
    expect((await create("r0")).json.error.code).toBe("relay_exists");
    const [first] = (await call("GET", "/v1/events/relays", key)).json.data;
    await call("DELETE", `/v1/events/relays/${first.id}`, key);
    expect((await create("eleventh")).status).toBe(200);
    expect(await count()).toBe(10);
  });

  it("send chat only to a relay that names it: * means every other event", async () => {
    const all = await call("POST", "/v1/events/relays", key, {
      json: { name: "all", url: "https://hooks.zapier.com/x", events: ["*"] },
    });
    expect(all.json.data.events).toEqual(["*"]);
    const sync = await call("POST", "/v1/events/subscriptions/sync", key);
    expect(sync.json.data.desired).toContain("channel.followed");
    expect(sync.json.data.desired).not.toContain("chat.message.sent");
    await call("POST", "/v1/events/relays", key, {
      json: { name: "chat", url: "https://hooks.zapier.com/y", events: ["chat.message.sent"] },
    });
    expect((await call("POST", "/v1/events/subscriptions/sync", key)).json.data.desired).toContain("chat.message.sent");
  });
});

describe("relays after their receivers answer", () => {
  const relay = async (name: string, events = ["channel.followed"]) =>
    (await call("POST", "/v1/events/relays", key, { json: { name, url: inboxUrl(name), events } })).json.data;

  it("are shown disabled, with why, once their receiver answers 410, and get nothing more", async () => {
    const { id } = await relay("zap");
    await kickControl("PUT", "/inbox/zap", { fail_next: 1, fail_status: 410 });
    await deliver(WEBHOOKS_ENV, await signedEvent("channel.followed"));
    const [listed] = (await call("GET", "/v1/events/relays", key)).json.data;
    expect(listed).toMatchObject({ id, status: "disabled", dead: 1, disabled_reason: expect.stringContaining("410") });
    expect(Date.parse(listed.disabled_at)).toBeLessThanOrEqual(Date.now());
    await deliver(WEBHOOKS_ENV, await signedEvent("channel.followed"));
    expect((await inbox("zap")).total).toBe(1);
    expect((await call("GET", "/v1/events/relays", key)).json.data[0]).toMatchObject({ dead: 1, pending: 0 });
  });

  it("list each delivery's last result as a class, never the status or the network's words", async () => {
    const { id } = await relay("flaky");
    await kickControl("PUT", "/inbox/flaky", { fail_next: 1, fail_status: 503 });
    await deliver(WEBHOOKS_ENV, await signedEvent("channel.followed"));
    // A row from before (raw error text) is shown by class too.
    await E.DB.prepare(
      "INSERT INTO relay_deliveries (id, relay_id, message_id, body, status, attempts, last_error, created_at, updated_at) VALUES ('old', ?, 'm-old', '{}', 'dead', 6, 'could not connect (TypeError)', 0, 0)",
    )
      .bind(id)
      .run();
    const listed = await call("GET", "/v1/events/deliveries", key);
    expect(listed.json.data.map((d: { last_result: string }) => d.last_result)).toEqual(["5xx", "unreachable"]);
    for (const d of listed.json.data) {
      expect(d).not.toHaveProperty("last_status");
      expect(d).not.toHaveProperty("last_error");
    }
    expect(listed.text).not.toContain("TypeError");
  });

  it("rotate their secret: the new one shown once, the old one still signing beside it for the overlap", async () => {
    const made = await relay("rot");
    const rotated = await call("POST", `/v1/events/relays/${made.id}/rotate-secret`, key);
    expect(rotated.status).toBe(200);
    const { secret, previous_secret_until } = rotated.json.data;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(made.secret);
    expect(Date.parse(previous_secret_until) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    const list = await call("GET", "/v1/events/relays", key);
    expect(list.json.data[0]).toMatchObject({ previous_secret_until });
    expect(list.text).not.toContain(secret);
    const stored = await E.DB.prepare("SELECT secret, previous_secret FROM relays").first<Record<string, string>>();
    expect(JSON.stringify(stored)).not.toContain(secret.slice(6));

    await deliver(WEBHOOKS_ENV, await signedEvent("channel.followed"));
    const during = (await inbox("rot")).received[0]!;
    const both = signatureParts(during.headers["x-kick-edge-signature"]!);
    expect(both.v1).toHaveLength(2);
    expect(await v1Holds(secret, both.t, both.v1[0]!, during.body)).toBe(true);
    expect(await v1Holds(made.secret, both.t, both.v1[1]!, during.body)).toBe(true);

    // No overlap (a leaked secret): the old one stops signing at once.
    const now = await call("POST", `/v1/events/relays/${made.id}/rotate-secret`, key, { json: { overlap_hours: 0 } });
    expect(now.json.data.previous_secret_until).toBeNull();
    await deliver(WEBHOOKS_ENV, await signedEvent("channel.followed"));
    const after = (await inbox("rot")).received[1]!;
    const one = signatureParts(after.headers["x-kick-edge-signature"]!);
    expect(one.v1).toHaveLength(1);
    expect(await v1Holds(now.json.data.secret, one.t, one.v1[0]!, after.body)).toBe(true);

    // Refusals change nothing.
    const secrets = () => E.DB.prepare("SELECT secret, previous_secret, previous_secret_until FROM relays").first();
    const before = await secrets();
    const unknown = await call("POST", "/v1/events/relays/nope/rotate-secret", key);
    expect([unknown.status, unknown.json.error.code]).toEqual([404, "relay_not_found"]);
    const long = await call("POST", `/v1/events/relays/${made.id}/rotate-secret`, key, {
      json: { overlap_hours: 999 },
    });
    expect(long.status).toBe(400);
    expect(fields(long)).toEqual(["overlap_hours"]);
    expect(await secrets()).toEqual(before);
  });
});

describe("subscriptions", () => {
  it("sync on demand with what the channel needs, and leave a synced channel alone", async () => {
    await call("POST", "/v1/events/relays", key, {
      json: { name: "zap", url: "https://hooks.zapier.com/x", events: ["channel.followed"] },
    });
    const sync = await call("POST", "/v1/events/subscriptions/sync", key);
    expect(sync.json.data).toMatchObject({
      desired: ["channel.followed", "kicks.gifted"],
      created: ["channel.followed", "kicks.gifted"],
      removed_duplicates: 0,
      errors: [],
    });
    const subs = await kickControl<{ event: string }[]>("GET", "/subscriptions");
    expect(subs.map((s) => s.event).sort()).toEqual(["channel.followed", "kicks.gifted"]);
    const again = await call("POST", "/v1/events/subscriptions/sync", key);
    expect(again.json.data).toMatchObject({ kept: 2, created: [], removed_duplicates: 0, removed_unwanted: 0 });
  });

  it("are out of reach of a key without the events capability", async () => {
    const other = await setUp(E, ["chat"]);
    const refused = await call("POST", "/v1/events/relays", other, { json: { name: "x", url: "https://a.example/" } });
    expect(refused.status).toBe(403);
  });
});
