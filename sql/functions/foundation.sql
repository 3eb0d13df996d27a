-- The functions every other file builds on: timestamps, entity tags, the
-- audit log's writer and the envelope of every list.
--
-- The files of sql/functions hold every function and trigger of the schema
-- in its current form. `samverkand migrate` applies all of them on every
-- run, in one transaction after the pending migrations: this file first,
-- then the others in name order (a LANGUAGE sql body is checked when it is
-- created, so what it calls must exist by then). So each statement must be
-- safe to run again: CREATE OR REPLACE FUNCTION, CREATE OR REPLACE TRIGGER,
-- GRANT. What CREATE OR REPLACE cannot do needs a migration first: a
-- function whose arguments, argument names or return type change, or that
-- goes away, is dropped by a migration (its new form then comes from here).
-- A migration cannot call these functions (on a fresh database they are
-- created after every migration), and a function a table's own definition
-- uses (a generated column, a default, a CHECK) stays in its migration:
-- svk.week_of in 0004_est.sql.
--
-- samverkan_app holds EXECUTE by name on the functions that existed when
-- migrations 0001 to 0003 granted it on all functions; it runs the later
-- ones through PUBLIC's default right. Each file repeats those grants, so
-- that a fresh database gives the same rights as an upgraded one.

-- Today in Sweden (the server's clock may run in UTC): the date every
-- rule of dates uses (a membership's until, an intervention's due date,
-- an agreement's status).
CREATE OR REPLACE FUNCTION svk.today() RETURNS date
LANGUAGE sql STABLE AS $$
	SELECT (now() AT TIME ZONE 'Europe/Stockholm')::date
$$;

CREATE OR REPLACE FUNCTION svk.ts(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- The entity tag of a representation: the first 16 bytes of the SHA-256 of
-- the exact JSON text a GET answers with (the daemon computes the same).
CREATE OR REPLACE FUNCTION svk.etag(j json) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT encode(substr(sha256(convert_to(j::text, 'UTF8')), 1, 16), 'hex')
$$;

-- A write with If-Match proceeds only on the current representation.
CREATE OR REPLACE FUNCTION svk.check_etag(current json, p_if_match text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF p_if_match IS NOT NULL AND p_if_match <> svk.etag(current) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV412',
			MESSAGE = 'the resource has changed since you read it (If-Match does not match); read it again';
	END IF;
END
$$;

-- The audit log. Every change calls audit_write in its own transaction, so
-- that if the entry cannot be written nothing changes. The advisory lock
-- orders the writers of one chain so each entry links to the one before it.
CREATE OR REPLACE FUNCTION svk.audit_hash(p_prev bytea, p_seq bigint, p_chain smallint,
                               p_at timestamptz, p_actor text, p_org text,
                               p_action text, p_entity text, p_entity_id text,
                               p_before jsonb, p_after jsonb) RETURNS bytea
LANGUAGE sql STABLE AS $$
	SELECT sha256(p_prev || convert_to(concat_ws(E'\x1f', p_seq::text, p_chain::text,
		to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
		coalesce(p_actor, ''), coalesce(p_org, ''), p_action, p_entity,
		coalesce(p_entity_id, ''), coalesce(p_before::text, ''),
		coalesce(p_after::text, '')), 'UTF8'))
$$;

--
-- It is the only writer of svk.audit: samverkan_app may read the table but
-- not change it (0014), so this function runs with its owner's rights, the
-- role that migrates. Being SECURITY DEFINER, it fixes its search_path
-- (pg_temp last, so that no temporary object of the caller's can stand in
-- for one of these) and PUBLIC may not call it: only samverkan_app.
CREATE OR REPLACE FUNCTION svk.audit_write(p_actor bigint, p_action text, p_entity text,
                                p_entity_id text, p_before jsonb, p_after jsonb)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, svk, pg_temp AS $$
DECLARE
	v_user text;
	v_org text;
	v_prev bytea;
	v_seq bigint;
	v_at timestamptz;
	v_chain smallint := pg_backend_pid() % 16;
BEGIN
	IF p_actor IS NOT NULL THEN
		SELECT u.username, o.slug INTO v_user, v_org
		FROM svk.users u JOIN svk.organisations o ON o.id = u.organisation_id
		WHERE u.id = p_actor;
	ELSE
		v_user := 'system';
	END IF;
	PERFORM pg_advisory_xact_lock(74170002, v_chain);
	SELECT hash INTO v_prev FROM svk.audit WHERE chain = v_chain ORDER BY seq DESC LIMIT 1;
	v_prev := coalesce(v_prev, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
	v_at := clock_timestamp();
	BEGIN
		v_seq := nextval(pg_get_serial_sequence('svk.audit', 'seq'));
		INSERT INTO svk.audit (seq, chain, at, actor, organisation, action, entity,
		                       entity_id, before, after, prev_hash, hash)
		OVERRIDING SYSTEM VALUE
		VALUES (v_seq, v_chain, v_at, v_user, v_org, p_action, p_entity, p_entity_id,
		        p_before, p_after, v_prev,
		        svk.audit_hash(v_prev, v_seq, v_chain, v_at, v_user, v_org, p_action,
		                       p_entity, p_entity_id, p_before, p_after));
	EXCEPTION WHEN OTHERS THEN
		-- Fail closed: the change this entry records is rolled back with it.
		RAISE EXCEPTION USING ERRCODE = 'SV503',
			MESSAGE = 'the audit log cannot be written; nothing was changed',
			DETAIL = SQLERRM;
	END;
END
$$;

-- The envelope of every list: {"items": [...], "next_cursor": ...}, the
-- cursor NULL on the last page. A list query returns the cursor again as
-- its own column, next_cursor, from which the daemon makes the Link header.
CREATE OR REPLACE FUNCTION svk.list_page(p_items json, p_next_cursor text) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
	SELECT json_build_object('items', coalesce(p_items, '[]'), 'next_cursor', p_next_cursor)
$$;

GRANT EXECUTE ON FUNCTION
	svk.ts(timestamptz),
	svk.etag(json),
	svk.check_etag(json, text),
	svk.audit_hash(bytea, bigint, smallint, timestamptz, text, text, text, text, text, jsonb, jsonb),
	svk.audit_write(bigint, text, text, text, jsonb, jsonb)
	TO samverkan_app;
REVOKE EXECUTE ON FUNCTION svk.audit_write(bigint, text, text, text, jsonb, jsonb) FROM PUBLIC;
