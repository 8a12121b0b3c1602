-- A bot account speaks in the channel of the broadcaster whose page connected it, not in any
-- channel that asks for as=bot. A link table rather than a column on accounts: its primary key
-- gives each channel at most one bot (connecting another replaces it) while one bot account may
-- still serve several channels of the deployment, and a disconnect of either side removes the
-- link (cascade), so a channel never speaks through a bot that is gone.
CREATE TABLE bot_links (
  broadcaster_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  bot_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  linked_at INTEGER NOT NULL              -- ms
);
CREATE INDEX bot_links_bot ON bot_links (bot_id);

-- The broadcaster whose page started a bot's connect, carried through Kick's consent to the
-- callback (NULL for a broadcaster's own connect). No foreign key: a disconnect during the flow
-- must not make the flow vanish unexplained; the callback checks the broadcaster and says so.
ALTER TABLE oauth_flows ADD COLUMN broadcaster_id INTEGER;

-- Until now as=bot took the first bot account by username for every channel. Existing channels
-- keep exactly that bot, so an upgrade silently breaks no as=bot call or event reply; the connect
-- page now shows each link, and connecting a bot from a channel's page replaces it.
INSERT INTO bot_links (broadcaster_id, bot_id, linked_at)
SELECT b.id, (SELECT id FROM accounts WHERE role = 'bot' ORDER BY username LIMIT 1), CAST(unixepoch('subsec') * 1000 AS INTEGER)
FROM accounts b
WHERE b.role = 'broadcaster' AND EXISTS (SELECT 1 FROM accounts WHERE role = 'bot');

-- A bot gets no automation key of its own any more: its keys acted in the bot's own channel
-- (posting there, reporting it offline), never in the channel it chats for. The broadcaster's
-- keys with as=bot do that. Keys a bot already has are revoked, so none keeps misleading.
UPDATE automation_keys SET revoked_at = CAST(unixepoch('subsec') * 1000 AS INTEGER)
WHERE revoked_at IS NULL AND account_id IN (SELECT id FROM accounts WHERE role = 'bot');

-- ALLOWED_KICK_USERS may name users by username, and usernames can be renamed and taken over.
-- The first account that connects under a listed username pins that entry to its Kick user id:
-- from then on the entry admits that id only, whatever it is called later. The deploy cannot
-- resolve names itself (it holds the Kick app's credentials only on a first run), so the oauth
-- Worker pins them at connect. A pin is dropped when its name leaves the setting.
CREATE TABLE allowed_user_pins (
  username TEXT PRIMARY KEY,              -- an ALLOWED_KICK_USERS entry, lowercased
  user_id INTEGER NOT NULL,               -- the Kick user id that held the name when it first connected
  pinned_at INTEGER NOT NULL              -- ms
);
