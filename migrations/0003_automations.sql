-- Replays of mutating trigger calls: the first answer, kept 24 h, per key and Idempotency-Key.
CREATE TABLE idempotency (
  key_id TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  status INTEGER,                         -- NULL while the first call is still running
  body TEXT,
  content_type TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (key_id, idem_key)
);
CREATE INDEX idempotency_created ON idempotency (created_at);

-- One go-live announcement per stream session, whichever path (button, cron, webhook) sees it first.
CREATE TABLE announcements (
  account_id INTEGER NOT NULL,
  stream_started_at TEXT NOT NULL,
  claimed_at INTEGER NOT NULL,
  message_id TEXT,
  source TEXT NOT NULL,
  PRIMARY KEY (account_id, stream_started_at)
);

-- The announce rule per account: the template, and whether the cron/webhook posts it on going live.
CREATE TABLE announce_rules (
  account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  template TEXT NOT NULL,
  auto INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
);

-- A key may fire mutating actions with a plain GET (Stream Deck's "open URL" button) only if
-- made so: link previews and prefetchers must not post to chat.
ALTER TABLE automation_keys ADD COLUMN allow_get INTEGER NOT NULL DEFAULT 0;
