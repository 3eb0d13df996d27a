-- Who co-opted a membership: the chair of the beredningsgrupp who added it
-- (svk.member_put as a chair), NULL for the admin's. A chair may change the
-- `until` of, and remove, only the memberships they co-opted.
ALTER TABLE svk.memberships
	ADD COLUMN coopted_by bigint REFERENCES svk.users ON DELETE SET NULL;

-- When a token last authenticated a request (recorded at most once a
-- minute, so that a busy script does not write on every request); listed
-- with the user's script tokens.
ALTER TABLE svk.tokens ADD COLUMN last_used_at timestamptz;
