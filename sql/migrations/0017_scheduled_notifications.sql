-- Scheduled notifications (svk.notify_scheduled): the weekly digest of
-- late interventions, the EST group without last week's meeting, the
-- agreement about to expire and the co-option about to end. Each event is
-- recorded once, under a key naming its kind, subject and period, in the
-- transaction that queues its mails: run twice, or by two daemons at
-- once, it queues nothing twice.

ALTER TABLE svk.outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE svk.outbox ADD CONSTRAINT outbox_kind_check
	CHECK (kind IN ('proposal.submitted', 'proposal.decided', 'proposal.returned',
	                'proposal.rejected', 'proposal.approved', 'intervention.digest',
	                'est.meeting_missing', 'agreement.expiring', 'membership.ending'));

CREATE TABLE svk.notify_events (
	key text PRIMARY KEY,
	kind text NOT NULL,
	queued_at timestamptz NOT NULL DEFAULT now(),
	mails int NOT NULL
);

-- Read by the API; changed only through svk.notify_scheduled (0015).
GRANT SELECT ON svk.notify_events TO samverkan_app;
