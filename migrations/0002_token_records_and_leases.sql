-- The authoritative copy of each account's sealed token record, with the refresh lease.
-- KV (TOKENS) keeps the same sealed record as a fast, eventually consistent cache; anything
-- that needs one answer (who refreshes, which version is newest) is decided here.
CREATE TABLE token_records (
  account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,               -- bumped on every write; writes are fenced on it
  sealed TEXT NOT NULL,                   -- AES-GCM sealed TokenRecord (never a token in the clear)
  expires_at INTEGER NOT NULL,            -- ms; when the access token expires
  lease_owner TEXT,                       -- who is refreshing right now
  lease_until INTEGER,                    -- ms; a crashed holder stops blocking after this
  failures INTEGER NOT NULL DEFAULT 0,    -- transient refresh failures in a row
  next_attempt_at INTEGER,                -- ms; backoff after a transient failure
  uncertain INTEGER NOT NULL DEFAULT 0    -- a refresh answer was lost: Kick may have rotated
);
CREATE INDEX token_records_due ON token_records (expires_at);
