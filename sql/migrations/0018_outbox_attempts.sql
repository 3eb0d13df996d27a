-- The outbox as an admin sees it (GET /v1/outbox): each row records when
-- the sender last tried it, so a failed mail says when it failed (its
-- next_attempt_at is the attempt that will never come) and the failures
-- list newest first by that time.

ALTER TABLE svk.outbox ADD COLUMN last_attempt_at timestamptz;

-- Rows from before: a sent mail was last tried when it was sent; a failed
-- one at the latest when its next attempt was due (the closest the row
-- knows). A queued row's earlier attempts are not known and stay NULL
-- until its next.
UPDATE svk.outbox SET last_attempt_at = sent_at WHERE status = 'sent';
UPDATE svk.outbox SET last_attempt_at = least(next_attempt_at, now()) WHERE status = 'failed';

-- The failures newest first, for the admin's read.
CREATE INDEX outbox_failed ON svk.outbox (last_attempt_at DESC, id DESC) WHERE status = 'failed';
