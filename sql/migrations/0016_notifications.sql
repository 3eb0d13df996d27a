-- E-mail notifications: a user's work address and when they want mail,
-- and the outbox the decision workflow writes to in its own transaction
-- (a change rolled back queues nothing) and the daemon's sender reads.

ALTER TABLE svk.users
	ADD COLUMN email text CHECK (email ~ '^[^@[:space:][:cntrl:]<>(),;:"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$'
	                             AND length(email) <= 254),
	ADD COLUMN notify text NOT NULL DEFAULT 'immediate'
		CHECK (notify IN ('immediate', 'daily', 'off'));

-- svk.user_update gains the address and the preference (sql/functions
-- creates the new one).
DROP FUNCTION IF EXISTS svk.user_update(bigint, text, text, boolean, boolean, text);

-- One mail to one user. A daily user's rows wait for the next 07:00
-- Swedish time and go out together, as one digest. The Message-ID is
-- derived from the row id, so a mail sent twice (the sender died between
-- sending and recording it) is recognisably the same mail.
CREATE TABLE svk.outbox (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id bigint NOT NULL REFERENCES svk.users,
	address text NOT NULL,
	kind text NOT NULL CHECK (kind IN ('proposal.submitted', 'proposal.decided',
	                                   'proposal.returned', 'proposal.rejected',
	                                   'proposal.approved')),
	proposal_id uuid REFERENCES svk.proposals,
	subject text NOT NULL,
	body text NOT NULL,
	link text NOT NULL,
	daily boolean NOT NULL DEFAULT false,
	status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
	attempts int NOT NULL DEFAULT 0,
	next_attempt_at timestamptz NOT NULL DEFAULT now(),
	last_error text,
	created_at timestamptz NOT NULL DEFAULT now(),
	sent_at timestamptz,
	message_id text GENERATED ALWAYS AS ('outbox-' || id) STORED
);
CREATE INDEX outbox_due ON svk.outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX outbox_user ON svk.outbox (user_id, id);

-- Read by the API and the sender; changed only through the functions of
-- sql/functions/notify.sql, as every other table (0015).
GRANT SELECT ON svk.outbox TO samverkan_app;
