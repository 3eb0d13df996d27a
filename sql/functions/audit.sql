-- The audit log, read and verified (its writer, svk.audit_write, is in
-- foundation.sql).

CREATE OR REPLACE FUNCTION svk.audit_json(x svk.audit) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
	SELECT json_build_object('seq', x.seq, 'chain', x.chain, 'at', svk.ts(x.at),
		'actor', x.actor, 'organisation', x.organisation, 'action', x.action,
		'entity', x.entity, 'entity_id', x.entity_id, 'before', x.before, 'after', x.after,
		'prev_hash', encode(x.prev_hash, 'hex'), 'hash', encode(x.hash, 'hex'))
$$;

-- Every entry's hash recomputed, and its link to the entry before it in
-- its chain: the first entry (by seq) where either does not hold.
CREATE OR REPLACE FUNCTION svk.audit_verify() RETURNS json
LANGUAGE sql STABLE AS $$
	WITH x AS (
		SELECT seq, chain, prev_hash, hash,
		       lag(hash) OVER (PARTITION BY chain ORDER BY seq) AS prev_actual,
		       svk.audit_hash(prev_hash, seq, chain, at, actor, organisation, action, entity,
		                      entity_id, before, after) AS computed
		FROM svk.audit),
	bad AS (
		SELECT seq, chain,
		       CASE WHEN computed IS DISTINCT FROM hash
		            THEN 'the entry does not match its hash: it was changed'
		            ELSE 'the entry does not follow the one before it in its chain: an entry was removed or inserted'
		       END AS reason
		FROM x
		WHERE computed IS DISTINCT FROM hash
		   OR prev_hash IS DISTINCT FROM coalesce(prev_actual,
		          '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
		ORDER BY seq LIMIT 1)
	SELECT CASE WHEN EXISTS (SELECT 1 FROM bad)
	            THEN (SELECT json_build_object('ok', false, 'entries', (SELECT count(*) FROM x),
	                                           'first_bad_seq', seq, 'chain', chain, 'reason', reason)
	                  FROM bad)
	            ELSE json_build_object('ok', true, 'entries', (SELECT count(*) FROM x)) END
$$;
