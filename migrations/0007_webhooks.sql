-- Kick deliveries accepted, one row per Kick-Event-Message-Id: the primary key decides
-- exactly once, whichever isolate sees a message first. Kept 7 days (Kick's own retries and
-- the duplicates of #193 arrive within minutes).
CREATE TABLE webhook_events (
  message_id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  broadcaster_user_id INTEGER,
  subscription_id TEXT,
  sent_at INTEGER NOT NULL,               -- ms; Kick-Event-Message-Timestamp
  received_at INTEGER NOT NULL,           -- ms
  processed_at INTEGER,                   -- ms; when its actions finished (NULL: not yet, or it failed)
  outcome TEXT,                           -- JSON: what each action did
  body TEXT,                              -- the raw body until processed: the cron re-runs what a lost waitUntil left
  attempts INTEGER NOT NULL DEFAULT 0,    -- re-runs by the cron
  lease_until INTEGER                     -- ms; a re-run in progress
);
CREATE INDEX webhook_events_received ON webhook_events (received_at);
CREATE INDEX webhook_events_unprocessed ON webhook_events (processed_at, received_at);

-- Templated chat replies to events, at most one per cooldown (a follow storm posts once).
CREATE TABLE event_replies (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  event TEXT NOT NULL,
  template TEXT NOT NULL,
  cooldown_seconds INTEGER NOT NULL,
  as_bot INTEGER NOT NULL DEFAULT 0,
  last_sent_at INTEGER,                   -- ms; claimed before posting
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, event)
);

-- Where events are relayed (a Zapier Catch Hook, an IFTTT Maker URL, Streamer.bot, Firebot).
CREATE TABLE relays (
  id TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  events TEXT NOT NULL,                   -- JSON array of event types, or ["*"]
  secret TEXT NOT NULL,                   -- the HMAC signing secret, sealed (AES-GCM)
  created_at INTEGER NOT NULL,
  UNIQUE (account_id, name)
);

-- One row per event per relay: pending until delivered, or dead after the last retry.
CREATE TABLE relay_deliveries (
  id TEXT PRIMARY KEY,
  relay_id TEXT NOT NULL REFERENCES relays (id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,                -- ms; while an attempt is in flight, when its lease ends
  lease_id TEXT,                          -- the attempt in flight: only it may record the result
  last_status INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (relay_id, message_id)
);
CREATE INDEX relay_deliveries_due ON relay_deliveries (status, next_attempt_at);
CREATE INDEX relay_deliveries_updated ON relay_deliveries (status, updated_at);

-- The last subscription reconciliation of each account, for the status endpoint.
CREATE TABLE subscription_syncs (
  account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  synced_at INTEGER NOT NULL,             -- ms; the last attempt, failed or not (a failing account waits its turn)
  summary TEXT NOT NULL,                  -- JSON: what it did, or the error
  lease_until INTEGER                     -- ms; a sync in progress (the cron and the endpoint never overlap)
);
