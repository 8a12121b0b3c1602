-- Signed-in admin browsers of the oauth Worker, so a session can be ended on the server (sign
-- out, sign out everywhere) and expires when idle. The SQL is in functions/oauth/adminSession.ts.
CREATE TABLE admin_sessions (
  -- SHA-256 (hex) of the random id in the session cookie: a copy of this table signs no one in.
  id_hash TEXT PRIMARY KEY,
  -- Sign-in time: the session ends 12 hours after it whatever happens.
  created_at INTEGER NOT NULL,
  -- Last use, written at most every few minutes: the session ends after 30 minutes without use.
  last_seen_at INTEGER NOT NULL
);
