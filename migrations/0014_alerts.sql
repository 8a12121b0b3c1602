-- What the alerts overlay shows: a channel's follows, subscriptions, gifted subs, KICKs gifts and
-- redemptions, as the webhooks Worker received them (and the control room's samples). Only the
-- few fields an alert displays, never the event's body. Bounded by the refresh Worker's hourly
-- housekeeping: rows older than a day go, and so does everything past an account's newest 50.
CREATE TABLE alerts (
  -- AUTOINCREMENT: an id is never handed out twice, even after every row was swept, so an
  -- overlay that asks for the alerts after the last id it showed never misses a newer one.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  type TEXT NOT NULL,                     -- the Kick event type (channel.followed, kicks.gifted…)
  username TEXT NOT NULL,                 -- who: the follower, subscriber, gifter ("Anonymous"), sender, redeemer
  amount INTEGER,                         -- months (subscriptions), subs gifted, KICKs, or the reward's cost
  reward TEXT,                            -- the reward's title, or the KICKs gift's name
  message TEXT,                           -- the KICKs gift's message, or what the redeemer wrote
  at INTEGER NOT NULL                     -- ms
);
CREATE INDEX alerts_account ON alerts (account_id, id);
CREATE INDEX alerts_at ON alerts (at);
