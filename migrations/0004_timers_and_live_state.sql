-- Timed chat messages, posted every interval_minutes while the channel is live.
CREATE TABLE timers (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  message TEXT NOT NULL,
  interval_minutes INTEGER NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  last_posted_at INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, name)
);

-- What the go-live detector saw last, to notice offline -> live.
CREATE TABLE live_state (
  account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  live INTEGER NOT NULL,
  started_at TEXT,
  checked_at INTEGER NOT NULL
);
