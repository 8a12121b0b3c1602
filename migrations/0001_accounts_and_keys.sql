-- Connected Kick accounts. Tokens are not here: they live encrypted in KV (TOKENS).
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,                 -- Kick user id
  username TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('broadcaster', 'bot')),
  scopes TEXT NOT NULL,                   -- granted scopes, space-separated
  token_expires_at INTEGER,               -- ms; a copy for the status page, not a secret
  connected_at INTEGER NOT NULL,
  last_refresh_at INTEGER,
  needs_reconnect INTEGER NOT NULL DEFAULT 0,
  reconnect_reason TEXT
);

-- Automation keys: shown once, stored as SHA-256 of the secret part, looked up by id.
CREATE TABLE automation_keys (
  id TEXT PRIMARY KEY,                    -- the public part of the key (16 hex)
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL,              -- hex SHA-256 of the secret part
  capabilities TEXT NOT NULL,             -- JSON array of capability names
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX automation_keys_account ON automation_keys (account_id);

-- Pending OAuth flows: single-use, bound to one browser, short-lived.
CREATE TABLE oauth_flows (
  state_hash TEXT PRIMARY KEY,            -- hex SHA-256 of the state sent to Kick
  browser_hash TEXT NOT NULL,             -- hex SHA-256 of the browser-binding cookie
  verifier_sealed TEXT NOT NULL,          -- PKCE verifier, AES-GCM sealed
  role TEXT NOT NULL,
  scopes TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);

-- Failed admin logins per client, to slow down guessing.
CREATE TABLE login_attempts (
  client TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start INTEGER NOT NULL
);
