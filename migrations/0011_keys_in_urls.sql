-- Whether a key may be sent in the URL (?key=): URLs end up in logs and Zap histories, so only
-- keys made for callers that cannot set a header (a Stream Deck button, an IFTTT applet, an OBS
-- overlay, a chat-bot command) may. New keys are made with it off unless asked for. Keys made
-- before this worked in URLs, and may be in use that way: they keep it (the connect page shows
-- which keys may, so the owner can replace them).
ALTER TABLE automation_keys ADD COLUMN allow_url INTEGER NOT NULL DEFAULT 0;
UPDATE automation_keys SET allow_url = 1;
