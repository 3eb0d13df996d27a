-- Foundation: organisations, users, tokens, groups, memberships, the
-- hash-chained audit log, idempotency keys and login throttling.
--
-- Migrations run as the schema owner. The daemon connects as samverkan_app,
-- which may read and write the data but cannot alter the schema and can only
-- append to the audit log. The functions are in sql/functions/ (applied
-- after the migrations on every run); the grant of EXECUTE on all functions
-- at the end stays as it was run on the databases that had them here.

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

GRANT USAGE ON SEQUENCE svk.audit_seq_seq TO samverkan_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA svk TO samverkan_app;
