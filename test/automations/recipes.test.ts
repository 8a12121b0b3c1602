import { SELF, env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { automationKeys } from "../../shared/storage/accountsStore";
import { kickControl } from "../helpers/browser";
import { chatLog, setUp } from "../helpers/automationsSetup";

/** Each recipe of docs/recipes.md, sent exactly as the recipe describes it. */
const E = env as unknown as Cloudflare.AutomationsEnv;
const BASE = "http://127.0.0.1:8788";
let key: string;

beforeEach(async () => {
  key = await setUp(E, ["chat"]);
});

/** A key as the connect page makes it for a recipe: `inUrl` for callers that cannot set a header. */
async function keyWith(
  capabilities: Parameters<typeof automationKeys.create>[1]["capabilities"],
  allowGet = false,
  inUrl = false,
) {
  return (
    await automationKeys.create(E.DB, {
      accountId: 1001,
      name: "recipe",
      capabilities,
      allowGet,
      allowUrl: inUrl,
      now: Date.now(),
    })
  ).key;
}

describe("recipes", () => {
  it("Zapier: POST JSON with X-Api-Key and Idempotency-Key; autoreplay posts once", async () => {
    const zap = () =>
      SELF.fetch(`${BASE}/v1/chat`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": key, "idempotency-key": "yt-abc123" },
        body: JSON.stringify({ message: "New YouTube video: Speedrun" }),
      });
    const first = await zap();
    expect(first.status).toBe(200);
    expect((await zap()).status).toBe(200);
    expect((await chatLog()).map((m) => m.content)).toEqual(["New YouTube video: Speedrun"]);
  });

  it("Zapier: the same with Payload Type form", async () => {
    const response = await SELF.fetch(`${BASE}/v1/chat`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-api-key": key },
      body: "message=From+a+form+Zap",
    });
    expect(response.status).toBe(200);
    expect((await chatLog()).map((m) => m.content)).toEqual(["From a form Zap"]);
  });

  it("IFTTT: POST JSON with the key in the URL (a key made for URLs)", async () => {
    const applet = await keyWith(["chat"], false, true);
    const response = await SELF.fetch(`${BASE}/v1/chat?key=${applet}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"message": "Tweeted: hello"}',
    });
    expect(response.status).toBe(200);
    expect((await chatLog()).map((m) => m.content)).toEqual(["Tweeted: hello"]);
  });

  it("Stream Deck Website action: a background GET announces once per stream", async () => {
    const deck = await keyWith(["announce"], true, true);
    await kickControl("PATCH", "/channels/1001", { is_live: true, stream_title: "Speedruns", category_id: 105 });
    const press = () => SELF.fetch(`${BASE}/v1/announce?key=${deck}`);
    expect(await (await press()).json()).toMatchObject({ ok: true, data: { posted: true } });
    expect(await (await press()).json()).toMatchObject({
      ok: true,
      data: { posted: false, reason: "already_announced" },
    });
    expect(await chatLog()).toHaveLength(1);
  });

  it("Stream Deck Web Requests plugin: POST JSON with a header sets title and category", async () => {
    const deck = await keyWith(["channel"]);
    const response = await SELF.fetch(`${BASE}/v1/channel`, {
      method: "POST",
      headers: { "x-api-key": deck, "content-type": "application/json" },
      body: '{"title":"Just chatting with you all","category":"Just Chatting"}',
    });
    expect(await response.json()).toMatchObject({
      ok: true,
      data: { title: "Just chatting with you all", category: { id: 15 } },
    });
  });

  it("Nightbot / Fossabot: !live prints one plain line", async () => {
    const bot = await keyWith(["chat"], false, true);
    const offline = await SELF.fetch(`${BASE}/v1/status?format=text&key=${bot}`);
    expect(await offline.text()).toBe("Offline.");
    await kickControl("PATCH", "/channels/1001", {
      is_live: true,
      stream_title: "Speedruns",
      category_id: 105,
      viewer_count: 42,
    });
    const live = await SELF.fetch(`${BASE}/v1/status?format=text&key=${bot}`);
    expect(live.headers.get("content-type")).toContain("text/plain");
    expect(await live.text()).toBe("Live: Speedruns (Minecraft, 42 viewers)");
  });

  it("Nightbot: a mod-only !title command with GET", async () => {
    const bot = await keyWith(["channel"], true, true);
    const response = await SELF.fetch(`${BASE}/v1/channel?format=text&key=${bot}&title=Late%20night%20chill`);
    expect(await response.text()).toBe("Channel updated.");
  });

  it("curl: POST JSON with a Bearer key", async () => {
    const response = await SELF.fetch(`${BASE}/v1/chat`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: '{"message":"Hello from curl"}',
    });
    expect(response.status).toBe(200);
  });

  it("cron: curl -d sends form fields with X-Api-Key", async () => {
    const response = await SELF.fetch(`${BASE}/v1/chat`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/x-www-form-urlencoded" },
      body: "message=Stay hydrated!",
    });
    expect(response.status).toBe(200);
    expect((await chatLog()).map((m) => m.content)).toEqual(["Stay hydrated!"]);
  });
});
