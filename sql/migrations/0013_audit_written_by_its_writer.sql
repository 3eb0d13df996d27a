-- The audit log is written only by svk.audit_write, which runs with its
-- owner's rights (SECURITY DEFINER, sql/functions/foundation.sql): the
-- daemon's role keeps reading the log but can no longer add a row of its
-- own making (any actor, any chain, any hash), nor take the next number.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON svk.audit FROM samverkan_app;
REVOKE ALL ON SEQUENCE svk.audit_seq_seq FROM samverkan_app;

-- A row the writer could not have made is refused even from the owner:
-- one of the 16 chains, and hashes of SHA-256's length.
ALTER TABLE svk.audit
	ADD CONSTRAINT audit_chain_range CHECK (chain BETWEEN 0 AND 15),
	ADD CONSTRAINT audit_hash_length CHECK (octet_length(hash) = 32),
	ADD CONSTRAINT audit_prev_hash_length CHECK (octet_length(prev_hash) = 32);
