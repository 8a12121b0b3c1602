-- Relays a receiver turned away for good, and secret rotation with an overlap.

-- A receiver that answered 410 Gone (a deleted Zap) asked us to stop: the relay is disabled,
-- gets no new deliveries, and its listing says when and why. Delete and re-create it to resume.
ALTER TABLE relays ADD COLUMN disabled_at INTEGER;        -- ms; NULL while the relay is in use
ALTER TABLE relays ADD COLUMN disabled_reason TEXT;

-- After a rotation the old secret, sealed like `secret` (context relay:<id>), still signs every
-- delivery beside the new one until `previous_secret_until`, so receivers can switch unhurried.
ALTER TABLE relays ADD COLUMN previous_secret TEXT;
ALTER TABLE relays ADD COLUMN previous_secret_until INTEGER; -- ms
