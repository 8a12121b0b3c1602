import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { kickControl } from "../helpers/browser";
import { call, setUp } from "../helpers/automationsSetup";

const E = env as unknown as Cloudflare.AutomationsEnv;
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
    for (const url of [
      "http://hooks.example.com/x",
      "ftp://example.com/x",
      "not a url",
      "https://user:pw@example.com/x",
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
      expect.objectContaining({ id: "d1", relay: "down", type: "channel.followed", attempts: 6, last_status: 500 }),
    ]);
    expect((await call("POST", "/v1/events/deliveries/d1/retry", key)).json.data.status).toBe("pending");
    expect((await call("POST", "/v1/events/deliveries/d1/retry", key)).json.error.code).toBe("delivery_not_found");
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
