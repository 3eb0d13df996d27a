-- The yearly follow-up (its texts, and statistics computed from the data
-- whenever it is read) and reading and verifying the audit log: the
-- indexes they read by (the functions are in sql/functions/followup.sql
-- and audit.sql).

CREATE INDEX ON svk.audit (actor, seq);
CREATE INDEX ON svk.audit (at);
CREATE INDEX ON svk.intervention_updates (created_at);
CREATE INDEX ON svk.meetings (held_on);
