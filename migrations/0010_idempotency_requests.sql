-- Idempotency-Key as Stripe keeps it: which request a key was first used for (reusing the key
-- for another request is refused, not answered with the other's reply), and a lease on the
-- claim, so a call whose invocation died does not hold its key for 24 hours.
ALTER TABLE idempotency ADD COLUMN fingerprint TEXT;   -- SHA-256 of the action, path and input; NULL on rows from before
ALTER TABLE idempotency ADD COLUMN lease_until INTEGER; -- ms; while status is NULL, the first call is presumed running until then
