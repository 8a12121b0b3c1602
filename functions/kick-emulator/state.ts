/**
 * Everything the emulated Kick knows, kept by the KickState Durable Object: one small JSON
 * document, plus the large collections (BIG_COLLECTIONS) stored one entry per key.
 */
export interface EmulatorUser {
  user_id: number;
  name: string;
  email: string;
  profile_picture: string;
}

export interface EmulatorChannel {
  broadcaster_user_id: number;
  slug: string;
  channel_description: string;
  banner_picture: string;
  stream_title: string;
  category_id: number;
  custom_tags: string[];
  is_live: boolean;
  is_mature: boolean;
  language: string;
  started_at: string | null;
  viewer_count: number;
  stream_key: string;
  active_subscribers_count: number;
  canceled_subscribers_count: number;
}

export interface EmulatorCategory {
  id: number;
  name: string;
  thumbnail: string;
  tags: string[];
  viewer_count: number;
}

export interface OAuthClient {
  client_id: string;
  client_secret: string;
  name: string;
  redirect_uris: string[];
}

export interface AuthCode {
  client_id: string;
  user_id: number;
  redirect_uri: string;
  scopes: string[];
  challenge: string;
  expires_at: number;
  used: boolean;
  /** Tokens issued from this code, revoked if the code is replayed (RFC 6749 §4.1.2). */
  issued: string[];
}

export interface AccessTokenRecord {
  client_id: string;
  user_id: number | null;
  scopes: string[];
  expires_at: number;
  revoked: boolean;
  refresh_token: string | null;
}

export interface RefreshTokenRecord {
  client_id: string;
  user_id: number;
  scopes: string[];
  expires_at: number;
  used_at: number | null;
  revoked: boolean;
  access_token: string;
}

export interface ChatMessage {
  message_id: string;
  broadcaster_user_id: number;
  sender_user_id: number;
  type: "user" | "bot";
  content: string;
  reply_to_message_id: string | null;
  created_at: string;
  deleted: boolean;
}

export interface Ban {
  broadcaster_user_id: number;
  user_id: number;
  reason: string | null;
  created_at: string;
  expires_at: string | null;
}

export interface EmulatorReward {
  id: string;
  broadcaster_user_id: number;
  /** Only the creating app may change or delete a reward, or act on its redemptions. */
  created_by: string;
  title: string;
  description: string;
  cost: number;
  background_color: string;
  is_enabled: boolean;
  is_paused: boolean;
  is_user_input_required: boolean;
  should_redemptions_skip_request_queue: boolean;
  is_deleted: boolean;
}

export interface EmulatorRedemption {
  id: string;
  broadcaster_user_id: number;
  reward_id: string;
  redeemer_user_id: number;
  user_input: string;
  status: "pending" | "accepted" | "rejected";
  redeemed_at: string;
}

export interface KicksGift {
  broadcaster_user_id: number;
  user_id: number;
  amount: number;
  at: number;
}

export interface EmulatorSubscription {
  id: string;
  app_id: string;
  broadcaster_user_id: number;
  event: string;
  version: number;
  method: "webhook";
  created_at: string;
  updated_at: string;
}

export interface Fault {
  id: string;
  method: string | null;
  /** An exact path, or a prefix ending in `*`. */
  path: string;
  remaining: number;
  status: number | null;
  retry_after: string | null;
  delay_ms: number;
  html: boolean;
  /** Break the connection before handling, or after handling (the work is done, the answer is lost). */
  drop: "before" | "after" | null;
  body: unknown;
  /** A body sent as it is, labelled JSON: a truncated or garbled answer. */
  raw: string | null;
}

export interface Settings {
  access_token_ttl: number;
  app_token_ttl: number;
  refresh_token_ttl: number;
  /** Seconds a rotated refresh token keeps working; 0 = single-use. */
  refresh_grace: number;
  code_ttl: number;
  auto_approve: boolean;
  /** Kick's `type:"bot"` chat answers 500 for most apps (docs/kick-api.md §3.5). */
  bot_chat_works: boolean;
  chat_rate_max: number;
  chat_rate_window: number;
  subscription_limit: number;
  chat_subscription_limit: number;
  /** The app's webhook URL: channel changes made through the control API are delivered here. */
  webhook_url: string | null;
}

export interface LoggedRequest {
  at: string;
  method: string;
  path: string;
  status: number;
}

/** One call to the token endpoint, for tests that count refreshes. */
export interface GrantCall {
  at: number;
  grant: string;
  user_id: number | null;
  status: number;
}

export interface EmulatorState {
  clock_offset_ms: number;
  settings: Settings;
  session_user_id: number;
  users: EmulatorUser[];
  channels: EmulatorChannel[];
  categories: EmulatorCategory[];
  clients: OAuthClient[];
  codes: Record<string, AuthCode>;
  access_tokens: Record<string, AccessTokenRecord>;
  refresh_tokens: Record<string, RefreshTokenRecord>;
  chat: ChatMessage[];
  chat_sends: Record<string, number[]>;
  bans: Ban[];
  rewards: EmulatorReward[];
  redemptions: EmulatorRedemption[];
  kicks: KicksGift[];
  subscriptions: EmulatorSubscription[];
  faults: Fault[];
  requests: LoggedRequest[];
  /** Every Kick request ever served (the log above keeps only the last 200). */
  requests_total: number;
  grants: Record<string, GrantCall>;
  grant_seq: number;
  requests_since_prune: number;
  signing_key: { pkcs8: string; spki_pem: string } | null;
  /** Stand-in receivers (a Zapier Catch Hook, Streamer.bot) for relays: /_emulator/inbox/:name. */
  inboxes?: Record<string, Inbox>;
  /** What happened on the channels (went live, a follow…) for their pages, the last 100. */
  activity?: Activity[];
}

/** One line of a channel page's chat that is not a chat message: an event, and how its delivery went. */
export interface Activity {
  id: string;
  at: string;
  broadcaster_user_id: number;
  /** "viewer_bob followed: delivered"; until its deliveries are answered, without the outcome. */
  text: string;
  /** False while the deliveries are on their way. */
  done: boolean;
  /** The channel's last chat message when it happened: the page shows it after that one. */
  after: string | null;
}

export interface Inbox {
  /** Answer this many of the next requests with fail_status, then 200 again. */
  fail_next: number;
  fail_status: number;
  total: number;
  /** The last 100 requests, newest last. */
  received: { at: string; headers: Record<string, string>; body: string; answered: number }[];
}

/** The collections that can grow to thousands of entries, and the storage prefix of each. */
export const BIG_COLLECTIONS = {
  access_tokens: "at:",
  refresh_tokens: "rt:",
  codes: "code:",
  grants: "grant:",
} as const;
