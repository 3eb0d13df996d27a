-- Indexes for the filters a logged-in user can put on the incident list and
-- for the follow-up's statistics, so that no read walks a whole table
-- (every statement is also bounded by [database] statement_timeout_ms).
CREATE INDEX ON svk.incidents (category_id, occurred_at);
CREATE INDEX ON svk.incidents (source_organisation_id, seq);
CREATE INDEX ON svk.incidents (place);
CREATE INDEX ON svk.proposals (agreement_id, decided_at);
CREATE INDEX ON svk.meetings (group_id, held_on);
-- The incident list, newest first by when it happened, for one municipality.
CREATE INDEX ON svk.incidents (municipality_id, occurred_at DESC, seq DESC);
