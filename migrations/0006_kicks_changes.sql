-- KICKs history as changes, not copies. A changed ranking used to store all 100 entries; a
-- gift usually moves one gifter and shifts a few ranks, so a year of 5-minute snapshots wrote
-- ~100x more rows than it had to (and D1's Free plan allows 100,000 written a day).
-- Now: kicks_current holds each account's rankings as they stand, and kicks_changes records,
-- per snapshot, only the gifters whose rank, amount or name changed (rank NULL: left the top
-- 100). A ranking at any stored snapshot is each gifter's newest change at or before it.
-- The newest snapshot of a ranking is MAX(id) for (account, period): one index seek, since
-- the rowid follows the indexed columns (kicks_snapshots_at has taken_at in between).
CREATE INDEX kicks_snapshots_newest ON kicks_snapshots (account_id, period);

CREATE TABLE kicks_current (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  period TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  rank INTEGER,                           -- NULL: left the top 100 (kept until the cron tidies up)
  username TEXT NOT NULL,
  amount INTEGER,
  PRIMARY KEY (account_id, period, user_id)
) WITHOUT ROWID;
CREATE INDEX kicks_current_rank ON kicks_current (account_id, period, rank);

CREATE TABLE kicks_changes (
  account_id INTEGER NOT NULL,
  period TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  snapshot_id INTEGER NOT NULL REFERENCES kicks_snapshots (id) ON DELETE CASCADE,
  rank INTEGER,                           -- NULL: the gifter left the top 100 here
  username TEXT NOT NULL,
  amount INTEGER,
  PRIMARY KEY (account_id, period, user_id, snapshot_id)
) WITHOUT ROWID;
CREATE INDEX kicks_changes_snapshot ON kicks_changes (snapshot_id);

-- Existing full copies become changes: an entry that differs from the previous snapshot's,
-- and a "left" row for each gifter the previous snapshot had and this one does not.
WITH prev AS (SELECT id, account_id, period, LAG(id) OVER (PARTITION BY account_id, period ORDER BY id) AS prev_id FROM kicks_snapshots)
INSERT OR IGNORE INTO kicks_changes (account_id, period, user_id, snapshot_id, rank, username, amount)
SELECT p.account_id, p.period, e.user_id, e.snapshot_id, e.rank, e.username, e.amount
FROM kicks_entries e JOIN prev p ON p.id = e.snapshot_id
WHERE NOT EXISTS (SELECT 1 FROM kicks_entries q WHERE q.snapshot_id = p.prev_id AND q.user_id = e.user_id AND q.rank = e.rank AND q.amount = e.amount AND q.username = e.username);

WITH prev AS (SELECT id, account_id, period, LAG(id) OVER (PARTITION BY account_id, period ORDER BY id) AS prev_id FROM kicks_snapshots)
INSERT OR IGNORE INTO kicks_changes (account_id, period, user_id, snapshot_id, rank, username, amount)
SELECT p.account_id, p.period, q.user_id, p.id, NULL, q.username, NULL
FROM prev p JOIN kicks_entries q ON q.snapshot_id = p.prev_id
WHERE NOT EXISTS (SELECT 1 FROM kicks_entries e WHERE e.snapshot_id = p.id AND e.user_id = q.user_id);

INSERT OR IGNORE INTO kicks_current (account_id, period, user_id, rank, username, amount)
SELECT s.account_id, s.period, e.user_id, e.rank, e.username, e.amount
FROM kicks_entries e JOIN kicks_snapshots s ON s.id = e.snapshot_id
WHERE s.id IN (SELECT MAX(id) FROM kicks_snapshots GROUP BY account_id, period);

DROP TABLE kicks_entries;
