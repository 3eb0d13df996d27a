-- Foundation: organisations, users, tokens, groups, memberships, the
-- hash-chained audit log, idempotency keys and login throttling.
--
-- Migrations run as the schema owner. The daemon connects as samverkan_app,
-- which may read and write the data but cannot alter the schema and can only
-- append to the audit log.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samverkan_app') THEN
		CREATE ROLE samverkan_app LOGIN;
	END IF;
END
$$;

CREATE SCHEMA svk;
REVOKE ALL ON SCHEMA svk FROM PUBLIC;
GRANT USAGE ON SCHEMA svk TO samverkan_app;

CREATE TABLE svk.organisations (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	kind text NOT NULL CHECK (kind IN ('police', 'municipality', 'authority',
	                                   'housing', 'rescue', 'other')),
	party boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE svk.users (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
	display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
	organisation_id bigint NOT NULL REFERENCES svk.organisations,
	active boolean NOT NULL DEFAULT true,
	admin boolean NOT NULL DEFAULT false,
	password_hash text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON svk.users (organisation_id);

-- Only the SHA-256 of a token is stored.
CREATE TABLE svk.tokens (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	user_id bigint NOT NULL REFERENCES svk.users ON DELETE CASCADE,
	hash bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
	kind text NOT NULL CHECK (kind IN ('session', 'script')),
	name text,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	revoked_at timestamptz
);
CREATE INDEX ON svk.tokens (user_id);

CREATE TABLE svk.groups (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	tier text NOT NULL CHECK (tier IN ('styrgrupp', 'beredningsgrupp', 'arbetsgrupp')),
	municipality_id bigint REFERENCES svk.organisations,
	created_at timestamptz NOT NULL DEFAULT now(),
	CHECK ((tier = 'arbetsgrupp') = (municipality_id IS NOT NULL))
);

CREATE TABLE svk.memberships (
	group_id bigint NOT NULL REFERENCES svk.groups ON DELETE CASCADE,
	user_id bigint NOT NULL REFERENCES svk.users ON DELETE CASCADE,
	role text NOT NULL CHECK (role IN ('member', 'chair', 'decision_maker')),
	until date,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (group_id, user_id)
);
CREATE INDEX ON svk.memberships (user_id);

-- Append-only and hash-chained: hash = sha256(prev_hash || the row's text),
-- where prev_hash is the hash of the previous entry of the same chain. There
-- are 16 chains (each database connection writes to one, chosen
-- by its backend pid), so that transactions on different connections do
-- not wait for each other's commit to append: one chain for the whole log
-- would serialise every change behind one disk flush at a time.
CREATE TABLE svk.audit (
	seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	chain smallint NOT NULL DEFAULT 0,
	at timestamptz NOT NULL DEFAULT clock_timestamp(),
	actor text,
	organisation text,
	action text NOT NULL,
	entity text NOT NULL,
	entity_id text,
	before jsonb,
	after jsonb,
	prev_hash bytea NOT NULL,
	hash bytea NOT NULL
);
CREATE INDEX ON svk.audit (chain, seq);
CREATE INDEX ON svk.audit (action);
CREATE INDEX ON svk.audit (entity, entity_id);

CREATE TABLE svk.idempotency_keys (
	user_id bigint NOT NULL REFERENCES svk.users ON DELETE CASCADE,
	key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
	method text NOT NULL,
	path text NOT NULL,
	request_hash bytea NOT NULL,
	status integer,
	response text,
	location text,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, key)
);

-- Failed logins per username ('u:...') and per address ('a:...').
CREATE TABLE svk.login_failures (
	key text PRIMARY KEY,
	failures integer NOT NULL,
	first_at timestamptz NOT NULL,
	last_at timestamptz NOT NULL
);

GRANT SELECT, INSERT, UPDATE, DELETE ON
	svk.organisations, svk.users, svk.tokens, svk.groups, svk.memberships,
	svk.idempotency_keys, svk.login_failures
	TO samverkan_app;
GRANT SELECT, INSERT ON svk.audit TO samverkan_app;

-- ---------------------------------------------------------------------------
-- Representations. Timestamps are RFC 3339 in UTC.

CREATE FUNCTION svk.ts(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

CREATE FUNCTION svk.org_json(o svk.organisations) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('slug', o.slug, 'name', o.name, 'kind', o.kind,
	                         'party', o.party, 'created_at', svk.ts(o.created_at))
$$;

-- Without FROM, so that the planner inlines it into hot queries; the
-- by-id form below is for functions that change a user.
CREATE FUNCTION svk.user_json(u svk.users, p_org text) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('username', u.username, 'display_name', u.display_name,
	                         'organisation', p_org, 'active', u.active, 'admin', u.admin,
	                         'created_at', svk.ts(u.created_at))
$$;

CREATE FUNCTION svk.user_json(p_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT svk.user_json(u, o.slug)
	FROM svk.users u JOIN svk.organisations o ON o.id = u.organisation_id
	WHERE u.id = p_id
$$;

CREATE FUNCTION svk.group_json(g svk.groups) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('slug', g.slug, 'name', g.name, 'tier', g.tier,
	                         'municipality', (SELECT slug FROM svk.organisations WHERE id = g.municipality_id),
	                         'created_at', svk.ts(g.created_at))
$$;

CREATE FUNCTION svk.membership_json(p_group bigint, p_user bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('group', g.slug, 'username', u.username,
	                         'display_name', u.display_name, 'organisation', o.slug,
	                         'role', m.role, 'until', m.until,
	                         'live', (m.until IS NULL OR m.until >= current_date) AND u.active)
	FROM svk.memberships m
	JOIN svk.groups g ON g.id = m.group_id
	JOIN svk.users u ON u.id = m.user_id
	JOIN svk.organisations o ON o.id = u.organisation_id
	WHERE m.group_id = p_group AND m.user_id = p_user
$$;

-- The entity tag of a representation: the first 16 bytes of the SHA-256 of
-- the exact JSON text a GET answers with (the daemon computes the same).
CREATE FUNCTION svk.etag(j json) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT encode(substr(sha256(convert_to(j::text, 'UTF8')), 1, 16), 'hex')
$$;

-- A write with If-Match proceeds only on the current representation.
CREATE FUNCTION svk.check_etag(current json, p_if_match text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF p_if_match IS NOT NULL AND p_if_match <> svk.etag(current) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV412',
			MESSAGE = 'the resource has changed since you read it (If-Match does not match); read it again';
	END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- The audit log. Every change calls audit_write in its own transaction, so
-- that if the entry cannot be written nothing changes. The advisory lock
-- orders the writers of one chain so each entry links to the one before it.

CREATE FUNCTION svk.audit_hash(p_prev bytea, p_seq bigint, p_chain smallint,
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

CREATE FUNCTION svk.audit_write(p_actor bigint, p_action text, p_entity text,
                                p_entity_id text, p_before jsonb, p_after jsonb)
RETURNS void LANGUAGE plpgsql AS $$
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

-- ---------------------------------------------------------------------------
-- Sessions and tokens.

CREATE FUNCTION svk.login_lookup(p_username text, p_addr text, p_max_user int,
                                 p_max_addr int, p_window int)
RETURNS TABLE (retry_after int, user_id bigint, password_hash text, organisation text)
LANGUAGE sql STABLE AS $$
	SELECT coalesce((
		SELECT max(ceil(extract(epoch FROM f.first_at + make_interval(secs => p_window) - now())))::int
		FROM svk.login_failures f
		WHERE f.first_at > now() - make_interval(secs => p_window)
		  AND ((f.key = 'u:' || p_username AND f.failures >= p_max_user)
		    OR (f.key = 'a:' || p_addr AND f.failures >= p_max_addr))), 0),
	       u.id, u.password_hash, o.slug
	FROM (SELECT 1) one
	LEFT JOIN svk.users u ON u.username = p_username AND u.active
	LEFT JOIN svk.organisations o ON o.id = u.organisation_id
$$;

CREATE FUNCTION svk.login_failed(p_username text, p_addr text, p_window int)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO svk.login_failures AS f (key, failures, first_at, last_at)
	SELECT k, 1, now(), now() FROM unnest(ARRAY['u:' || p_username, 'a:' || p_addr]) k
	ON CONFLICT (key) DO UPDATE SET
		failures = CASE WHEN f.first_at > now() - make_interval(secs => p_window)
		                THEN f.failures + 1 ELSE 1 END,
		first_at = CASE WHEN f.first_at > now() - make_interval(secs => p_window)
		                THEN f.first_at ELSE now() END,
		last_at = now();
	PERFORM svk.audit_write(NULL, 'session.login_failed', 'user', p_username, NULL,
	                        jsonb_build_object('address', p_addr));
END
$$;

CREATE FUNCTION svk.session_create(p_user bigint, p_hash text, p_hours int, p_addr text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_expires timestamptz := now() + make_interval(hours => p_hours);
	v_id uuid;
	v_username text;
BEGIN
	SELECT username INTO v_username FROM svk.users WHERE id = p_user AND active;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV401', MESSAGE = 'wrong username or password';
	END IF;
	INSERT INTO svk.tokens (user_id, hash, kind, expires_at)
	VALUES (p_user, decode(p_hash, 'hex'), 'session', v_expires) RETURNING id INTO v_id;
	DELETE FROM svk.login_failures WHERE key = 'u:' || v_username;
	PERFORM svk.audit_write(p_user, 'session.create', 'token', v_id::text, NULL,
	                        jsonb_build_object('kind', 'session', 'address', p_addr,
	                                           'expires_at', svk.ts(v_expires)));
	RETURN json_build_object('expires_at', svk.ts(v_expires), 'user', svk.user_json(p_user));
END
$$;

CREATE FUNCTION svk.session_revoke(p_actor bigint, p_token uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE svk.tokens SET revoked_at = now()
	WHERE id = p_token AND user_id = p_actor AND revoked_at IS NULL;
	PERFORM svk.audit_write(p_actor, 'session.revoke', 'token', p_token::text, NULL, NULL);
END
$$;

CREATE FUNCTION svk.token_create(p_actor bigint, p_hash text, p_name text, p_days int)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	t svk.tokens;
BEGIN
	INSERT INTO svk.tokens (user_id, hash, kind, name, expires_at)
	VALUES (p_actor, decode(p_hash, 'hex'), 'script', p_name,
	        now() + make_interval(days => p_days))
	RETURNING * INTO t;
	PERFORM svk.audit_write(p_actor, 'token.create', 'token', t.id::text, NULL,
	                        jsonb_build_object('name', p_name, 'expires_at', svk.ts(t.expires_at)));
	RETURN json_build_object('id', t.id, 'name', t.name, 'created_at', svk.ts(t.created_at),
	                         'expires_at', svk.ts(t.expires_at));
END
$$;

CREATE FUNCTION svk.audit_refusal(p_actor bigint, p_request text, p_reason text)
RETURNS void LANGUAGE sql AS $$
	SELECT svk.audit_write(p_actor, 'request.refused', 'request', NULL, NULL,
	                       jsonb_build_object('request', p_request, 'reason', p_reason))
$$;

-- ---------------------------------------------------------------------------
-- Organisations, users, groups and memberships (admin; co-opting chairs).

CREATE FUNCTION svk.org_create(p_actor bigint, p_slug text, p_name text, p_kind text,
                               p_party boolean) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	o svk.organisations;
BEGIN
	INSERT INTO svk.organisations (slug, name, kind, party)
	VALUES (p_slug, p_name, p_kind, p_party)
	ON CONFLICT (slug) DO NOTHING
	RETURNING * INTO o;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('an organisation with slug "%s" already exists', p_slug);
	END IF;
	PERFORM svk.audit_write(p_actor, 'organisation.create', 'organisation', o.slug, NULL,
	                        svk.org_json(o)::jsonb);
	RETURN svk.org_json(o);
END
$$;

CREATE FUNCTION svk.user_create(p_actor bigint, p_username text, p_display text,
                                p_org text, p_admin boolean, p_hash text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_org bigint;
	v_id bigint;
BEGIN
	SELECT id INTO v_org FROM svk.organisations WHERE slug = p_org;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'organisation',
			MESSAGE = format('no organisation with slug "%s"', p_org);
	END IF;
	INSERT INTO svk.users (username, display_name, organisation_id, admin, password_hash)
	VALUES (p_username, p_display, v_org, p_admin, p_hash)
	ON CONFLICT (username) DO NOTHING
	RETURNING id INTO v_id;
	IF v_id IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('a user named "%s" already exists', p_username);
	END IF;
	PERFORM svk.audit_write(p_actor, 'user.create', 'user', p_username, NULL,
	                        svk.user_json(v_id)::jsonb);
	RETURN svk.user_json(v_id);
END
$$;

CREATE FUNCTION svk.user_update(p_actor bigint, p_username text, p_display text,
                                p_active boolean, p_admin boolean, p_if_match text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
	v_before jsonb;
	v_after json;
BEGIN
	SELECT id INTO v_id FROM svk.users WHERE username = p_username FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = format('no user named "%s"', p_username);
	END IF;
	PERFORM svk.check_etag(svk.user_json(v_id), p_if_match);
	v_before := svk.user_json(v_id)::jsonb;
	UPDATE svk.users SET
		display_name = coalesce(p_display, display_name),
		active = coalesce(p_active, active),
		admin = coalesce(p_admin, admin),
		updated_at = now()
	WHERE id = v_id;
	IF NOT EXISTS (SELECT 1 FROM svk.users WHERE admin AND active) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = 'this would leave no active admin';
	END IF;
	IF p_active IS FALSE THEN
		-- A disabled user's tokens stop working at once.
		UPDATE svk.tokens SET revoked_at = now() WHERE user_id = v_id AND revoked_at IS NULL;
	END IF;
	v_after := svk.user_json(v_id);
	PERFORM svk.audit_write(p_actor, 'user.update', 'user', p_username, v_before, v_after::jsonb);
	RETURN v_after;
END
$$;

CREATE FUNCTION svk.user_set_password(p_actor bigint, p_username text, p_hash text,
                                      p_keep_token uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	UPDATE svk.users SET password_hash = p_hash, updated_at = now()
	WHERE username = p_username RETURNING id INTO v_id;
	IF v_id IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = format('no user named "%s"', p_username);
	END IF;
	-- Every other session and token of the user ends with the old password.
	UPDATE svk.tokens SET revoked_at = now()
	WHERE user_id = v_id AND revoked_at IS NULL AND id IS DISTINCT FROM p_keep_token;
	PERFORM svk.audit_write(p_actor, 'user.password', 'user', p_username, NULL, NULL);
END
$$;

CREATE FUNCTION svk.group_create(p_actor bigint, p_slug text, p_name text, p_tier text,
                                 p_municipality text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_mun bigint;
	g svk.groups;
BEGIN
	IF p_tier = 'arbetsgrupp' AND p_municipality IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'municipality',
			MESSAGE = 'an arbetsgrupp works for one municipality: give its slug';
	END IF;
	IF p_tier <> 'arbetsgrupp' AND p_municipality IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'municipality',
			MESSAGE = 'only an arbetsgrupp has a municipality';
	END IF;
	IF p_municipality IS NOT NULL THEN
		SELECT id INTO v_mun FROM svk.organisations
		WHERE slug = p_municipality AND kind = 'municipality';
		IF NOT FOUND THEN
			RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'municipality',
				MESSAGE = format('no municipality with slug "%s"', p_municipality);
		END IF;
	END IF;
	INSERT INTO svk.groups (slug, name, tier, municipality_id)
	VALUES (p_slug, p_name, p_tier, v_mun)
	ON CONFLICT (slug) DO NOTHING
	RETURNING * INTO g;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('a group with slug "%s" already exists', p_slug);
	END IF;
	PERFORM svk.audit_write(p_actor, 'group.create', 'group', g.slug, NULL,
	                        svk.group_json(g)::jsonb);
	RETURN svk.group_json(g);
END
$$;

CREATE FUNCTION svk.member_put(p_actor bigint, p_group text, p_username text,
                               p_role text, p_until date) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	g svk.groups;
	v_user bigint;
	v_party boolean;
	v_before jsonb;
	v_inserted boolean;
	v_after json;
BEGIN
	SELECT * INTO g FROM svk.groups WHERE slug = p_group;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = format('no group with slug "%s"', p_group);
	END IF;
	SELECT u.id, o.party INTO v_user, v_party
	FROM svk.users u JOIN svk.organisations o ON o.id = u.organisation_id
	WHERE u.username = p_username;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = format('no user named "%s"', p_username);
	END IF;
	IF p_role = 'decision_maker' AND g.tier <> 'styrgrupp' THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'role',
			MESSAGE = 'decision_maker is a role in the styrgrupp only';
	END IF;
	IF p_role = 'decision_maker' AND NOT v_party THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'role',
			MESSAGE = 'only users of organisations that are parties to the agreement can be decision makers';
	END IF;
	v_before := svk.membership_json(g.id, v_user)::jsonb;
	INSERT INTO svk.memberships (group_id, user_id, role, until)
	VALUES (g.id, v_user, p_role, p_until)
	ON CONFLICT (group_id, user_id) DO UPDATE SET role = EXCLUDED.role, until = EXCLUDED.until
	RETURNING (xmax = 0) INTO v_inserted;
	v_after := svk.membership_json(g.id, v_user);
	PERFORM svk.audit_write(p_actor, 'membership.put', 'membership', p_group || '/' || p_username,
	                        v_before, v_after::jsonb);
	RETURN json_build_object('created', v_inserted, 'membership', v_after);
END
$$;

CREATE FUNCTION svk.member_delete(p_actor bigint, p_group text, p_username text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_group bigint;
	v_user bigint;
	v_before jsonb;
BEGIN
	SELECT g.id, u.id INTO v_group, v_user
	FROM svk.groups g, svk.users u WHERE g.slug = p_group AND u.username = p_username;
	v_before := svk.membership_json(v_group, v_user)::jsonb;
	IF v_before IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404',
			MESSAGE = format('%s is not a member of %s', p_username, p_group);
	END IF;
	DELETE FROM svk.memberships WHERE group_id = v_group AND user_id = v_user;
	PERFORM svk.audit_write(p_actor, 'membership.delete', 'membership',
	                        p_group || '/' || p_username, v_before, NULL);
END
$$;

GRANT USAGE ON SEQUENCE svk.audit_seq_seq TO samverkan_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA svk TO samverkan_app;
