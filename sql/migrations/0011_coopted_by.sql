-- Who co-opted a membership: the chair of the beredningsgrupp who added it
-- (svk.member_put as a chair), NULL for the admin's. A chair may change the
-- `until` of, and remove, only the memberships they co-opted.
ALTER TABLE svk.memberships
	ADD COLUMN coopted_by bigint REFERENCES svk.users ON DELETE SET NULL;
