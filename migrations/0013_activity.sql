-- What a channel's activity page shows that no other table keeps: trigger API calls and token
-- refreshes (Kick events and relay deliveries are read from webhook_events and relay_deliveries).
-- Bounded twice, by the refresh Worker's hourly housekeeping: rows older than 7 days go, and so
-- does everything past an account's newest 500, so a busy key cannot grow it without end.
-- Never a token, a key or a request body: a key is named by the name its owner gave it.
CREATE TABLE activity (
  id INTEGER PRIMARY KEY,                 -- the insertion order, for rows in the same millisecond
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,                    -- ms
  kind TEXT NOT NULL DEFAULT 'trigger' CHECK (kind IN ('trigger', 'refresh')), -- the default spares the pipeline's bundle a few bytes
  what TEXT NOT NULL,                     -- trigger: the method and the action's path template ("POST /v1/chat"; never the query,
                                          -- where a key may ride); refresh: 'scheduled' (the cron) or 'on_demand' (another Worker asked)
  key_name TEXT,                          -- trigger: the name the owner gave the key (never the key, nor its id)
  outcome TEXT NOT NULL,                  -- 'ok', 'replay' (an Idempotency-Key's first answer again), or the stable code of what went wrong
  status INTEGER,                         -- trigger: the HTTP status answered
  detail TEXT                             -- refresh: why the account needs a re-connect (our words)
);
CREATE INDEX activity_account_at ON activity (account_id, at);
CREATE INDEX activity_at ON activity (at);

-- The page reads one channel's newest events; without this it would walk every channel's week.
CREATE INDEX webhook_events_broadcaster ON webhook_events (broadcaster_user_id, received_at);
