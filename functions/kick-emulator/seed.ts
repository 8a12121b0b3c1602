import type { EmulatorCategory, EmulatorState, Settings } from "./state";

/** The demo world every fresh emulator starts with. Ids are stable so docs and tests can name them. */
export const DEMO = {
  broadcaster: 1001,
  bot: 1002,
  otherStreamer: 3001,
  viewers: [2001, 2002, 2003, 2004],
  clientId: "emulator-client",
  clientSecret: "emulator-secret",
  /** A reward made in Kick's own dashboard, so the emulator app does not own it. */
  dashboardRewardId: "01JD0000000000000000000001",
} as const;

export interface SettingsEnv {
  EMULATOR_ACCESS_TOKEN_TTL?: string;
  EMULATOR_REFRESH_GRACE?: string;
  EMULATOR_AUTO_APPROVE?: string;
  EMULATOR_WEBHOOK_URL?: string;
}

export function defaultSettings(env: SettingsEnv): Settings {
  return {
    access_token_ttl: Number(env.EMULATOR_ACCESS_TOKEN_TTL ?? 7200) || 7200,
    app_token_ttl: 5_184_000,
    refresh_token_ttl: 30 * 24 * 3600,
    refresh_grace: Number(env.EMULATOR_REFRESH_GRACE ?? 0) || 0,
    code_ttl: 600,
    auto_approve: env.EMULATOR_AUTO_APPROVE === "true",
    bot_chat_works: false,
    chat_rate_max: 20,
    chat_rate_window: 30,
    subscription_limit: 10_000,
    chat_subscription_limit: 1_000,
    webhook_url: env.EMULATOR_WEBHOOK_URL || null,
  };
}

const CATEGORY_NAMES: [string, string[]][] = [
  ["Just Chatting", ["IRL", "Talk"]],
  ["Slots & Casino", ["Gambling"]],
  ["Grand Theft Auto V", ["Action", "Open World", "RP"]],
  ["Grand Theft Auto IV", ["Action", "Open World"]],
  ["Counter-Strike 2", ["FPS", "Competitive"]],
  ["Minecraft", ["Sandbox", "Survival"]],
  ["Fortnite", ["Battle Royale", "Shooter"]],
  ["League of Legends", ["MOBA", "Competitive"]],
  ["Valorant", ["FPS", "Competitive"]],
  ["Call of Duty: Warzone", ["Battle Royale", "FPS"]],
  ["Rust", ["Survival"]],
  ["Apex Legends", ["Battle Royale", "FPS"]],
  ["Music", ["Creative"]],
  ["Art", ["Creative"]],
  ["Sports", ["IRL"]],
  ["Pools, Hot Tubs & Bikinis", ["IRL"]],
  ["Dota 2", ["MOBA"]],
  ["Elden Ring", ["RPG", "Souls-like"]],
  ["Baldur's Gate 3", ["RPG"]],
  ["Chess", ["Strategy"]],
  ["Retro", ["Classic"]],
  ["Software & Game Development", ["Creative", "Tech"]],
  ["Travel & Outdoors", ["IRL"]],
  ["Poker", ["Gambling", "Cards"]],
  ["Among Us", ["Party"]],
  ["World of Warcraft", ["MMORPG"]],
  ["Rocket League", ["Sports", "Competitive"]],
  ["EA Sports FC 26", ["Sports"]],
  ["Hearthstone", ["Cards"]],
  ["Fall Guys", ["Party"]],
];

function categories(): EmulatorCategory[] {
  return CATEGORY_NAMES.map(([name, tags], i) => ({
    id: i === 0 ? 15 : 100 + i,
    name,
    thumbnail: `https://files.kick.com/images/subcategories/${i === 0 ? 15 : 100 + i}/banner/emulator.webp`,
    tags,
    viewer_count: 1000 * (CATEGORY_NAMES.length - i),
  }));
}

const picture = (id: number) => `https://files.kick.com/images/user/${id}/profile_image/emulator.webp`;

export function seed(settings: Settings, nowMs: number): EmulatorState {
  const iso = (offsetMs: number) => new Date(nowMs + offsetMs).toISOString();
  const user = (user_id: number, name: string) => ({
    user_id,
    name,
    email: `${name}@example.test`,
    profile_picture: picture(user_id),
  });
  const channel = (broadcaster_user_id: number, slug: string, live: boolean, category_id: number, title: string) => ({
    broadcaster_user_id,
    slug,
    channel_description: `The ${slug} channel (emulated).`,
    banner_picture: `https://files.kick.com/images/channel/${broadcaster_user_id}/banner/emulator.webp`,
    stream_title: title,
    category_id,
    custom_tags: ["English"],
    is_live: live,
    is_mature: false,
    language: "en",
    started_at: live ? iso(-3_600_000) : null,
    viewer_count: live ? 321 : 0,
    stream_key: `sk_us-west-2_emulator${broadcaster_user_id}`,
    active_subscribers_count: 42,
    canceled_subscribers_count: 3,
  });
  return {
    clock_offset_ms: 0,
    settings,
    session_user_id: DEMO.broadcaster,
    users: [
      user(DEMO.broadcaster, "demo_streamer"),
      user(DEMO.bot, "demo_bot"),
      user(2001, "viewer_alice"),
      user(2002, "viewer_bob"),
      user(2003, "viewer_carol"),
      user(2004, "viewer_dave"),
      user(DEMO.otherStreamer, "other_streamer"),
    ],
    channels: [
      channel(DEMO.broadcaster, "demo_streamer", false, 15, "Demo stream"),
      channel(DEMO.bot, "demo_bot", false, 15, ""),
      channel(DEMO.otherStreamer, "other_streamer", true, 103, "Heists all day"),
      // Every Kick user has a channel, viewers too (it is how usernames are looked up).
      ...[2001, 2002, 2003, 2004].map((id, i) =>
        channel(id, ["viewer_alice", "viewer_bob", "viewer_carol", "viewer_dave"][i]!, false, 15, ""),
      ),
    ],
    categories: categories(),
    clients: [
      {
        client_id: DEMO.clientId,
        client_secret: DEMO.clientSecret,
        name: "kick-edge (emulated app)",
        redirect_uris: ["http://127.0.0.1:8787/callback", "http://localhost:8787/callback"],
      },
    ],
    codes: {},
    access_tokens: {},
    refresh_tokens: {},
    chat: [],
    chat_sends: {},
    bans: [],
    rewards: [
      {
        id: DEMO.dashboardRewardId,
        broadcaster_user_id: DEMO.broadcaster,
        created_by: "kick-dashboard",
        title: "Hydrate!",
        description: "Make the streamer drink water",
        cost: 100,
        background_color: "#00e701",
        is_enabled: true,
        is_paused: false,
        is_user_input_required: false,
        should_redemptions_skip_request_queue: false,
        is_deleted: false,
      },
    ],
    redemptions: [
      {
        id: "01JD0000000000000000000101",
        broadcaster_user_id: DEMO.broadcaster,
        reward_id: DEMO.dashboardRewardId,
        redeemer_user_id: 2001,
        user_input: "",
        status: "pending",
        redeemed_at: iso(-600_000),
      },
      {
        id: "01JD0000000000000000000102",
        broadcaster_user_id: DEMO.broadcaster,
        reward_id: DEMO.dashboardRewardId,
        redeemer_user_id: 2002,
        user_input: "",
        status: "accepted",
        redeemed_at: iso(-1_200_000),
      },
    ],
    kicks: [
      { broadcaster_user_id: DEMO.broadcaster, user_id: 2001, amount: 500, at: nowMs - 40 * 86_400_000 },
      { broadcaster_user_id: DEMO.broadcaster, user_id: 2002, amount: 300, at: nowMs - 10 * 86_400_000 },
      { broadcaster_user_id: DEMO.broadcaster, user_id: 2003, amount: 100, at: nowMs - 2 * 86_400_000 },
      { broadcaster_user_id: DEMO.broadcaster, user_id: 2001, amount: 50, at: nowMs - 86_400_000 },
    ],
    subscriptions: [],
    faults: [],
    requests: [],
    requests_total: 0,
    grants: {},
    grant_seq: 0,
    requests_since_prune: 0,
    signing_key: null,
    activity: [],
  };
}
