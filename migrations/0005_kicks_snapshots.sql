-- KICKs leaderboard history. A row is stored only when a ranking changes; an unchanged one
-- just moves last_seen_at, so a year of 5-minute snapshots stays small.
CREATE TABLE kicks_snapshots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  period TEXT NOT NULL CHECK (period IN ('week', 'month', 'lifetime')),
  taken_at INTEGER NOT NULL,              -- ms; when this ranking was first seen
  last_seen_at INTEGER NOT NULL,          -- ms; when it was last seen unchanged
  digest TEXT NOT NULL                    -- of the entries: equal digests, equal rankings
);
CREATE INDEX kicks_snapshots_at ON kicks_snapshots (account_id, period, taken_at);

CREATE TABLE kicks_entries (
  snapshot_id INTEGER NOT NULL REFERENCES kicks_snapshots (id) ON DELETE CASCADE,
  rank INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  username TEXT NOT NULL,
  amount INTEGER NOT NULL,
  PRIMARY KEY (snapshot_id, rank)
);
CREATE INDEX kicks_entries_user ON kicks_entries (user_id, snapshot_id);
