-- Logins and their throttling, sessions and script tokens, and the audit
-- entry of a refused request.

-- A login attempt is counted before its password is checked, so that many
-- attempts sent at once cannot all reach the (deliberately slow) check: each
-- takes its turn on the counter's row, and those past the limit are answered
-- 429 without hashing. The counters (SPEC §7, the review's items 9 and 16.9):
--   'u:' username           every attempt for a username (max p_max_user);
--   'ua:' address '|' username  the same from one address (max p_max_user);
--   'a:' address            attempts for usernames that do not exist (max
--                           p_max_addr): it slows the guessing of usernames
--                           and never refuses an existing, unthrottled user,
--                           so an office behind one address is not locked out.
-- A success clears the user's counters (svk.session_create).
CREATE OR REPLACE FUNCTION svk.login_count(p_key text, p_window int) RETURNS svk.login_failures
LANGUAGE sql AS $$
	INSERT INTO svk.login_failures AS f (key, failures, first_at, last_at)
	VALUES (p_key, 1, now(), now())
	ON CONFLICT (key) DO UPDATE SET
		failures = CASE WHEN f.first_at > now() - make_interval(secs => p_window)
		                THEN f.failures + 1 ELSE 1 END,
		first_at = CASE WHEN f.first_at > now() - make_interval(secs => p_window)
		                THEN f.first_at ELSE now() END,
		last_at = now()
	RETURNING *
$$;

CREATE OR REPLACE FUNCTION svk.login_lookup(p_username text, p_addr text, p_max_user int,
                                 p_max_addr int, p_window int)
RETURNS TABLE (retry_after int, user_id bigint, password_hash text, organisation text)
LANGUAGE plpgsql AS $$
DECLARE
	f svk.login_failures;
	v_retry int := 0;
	v_limit int;
BEGIN
	SELECT u.id, u.password_hash, o.slug INTO user_id, password_hash, organisation
	FROM svk.users u JOIN svk.organisations o ON o.id = u.organisation_id
	WHERE u.username = p_username AND u.active;
	FOR f IN
		-- In the FROM list, so that each counter is bumped once (a
		-- (f()).* in the select list would call f once per column).
		SELECT c.*
		FROM unnest(array_remove(ARRAY['u:' || p_username,
		                               'ua:' || p_addr || '|' || p_username,
		                               CASE WHEN user_id IS NULL THEN 'a:' || p_addr END],
		                         NULL)) WITH ORDINALITY k(key, n)
		CROSS JOIN LATERAL svk.login_count(k.key, p_window) c
		ORDER BY k.n
	LOOP
		v_limit := CASE WHEN f.key LIKE 'a:%' THEN p_max_addr ELSE p_max_user END;
		IF f.failures > v_limit THEN
			v_retry := greatest(v_retry, ceil(extract(epoch FROM f.first_at
			              + make_interval(secs => p_window) - now()))::int, 1);
		END IF;
	END LOOP;
	retry_after := v_retry;
	RETURN NEXT;
END
$$;

-- The attempt was counted by svk.login_lookup; this only audits it.
CREATE OR REPLACE FUNCTION svk.login_failed(p_username text, p_addr text, p_window int)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM svk.audit_write(NULL, 'session.login_failed', 'user', p_username, NULL,
	                        jsonb_build_object('address', p_addr));
END
$$;

CREATE OR REPLACE FUNCTION svk.session_create(p_user bigint, p_hash text, p_hours int, p_addr text)
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
	DELETE FROM svk.login_failures WHERE key = 'u:' || v_username OR key = 'ua:' || p_addr || '|' || v_username;
	PERFORM svk.audit_write(p_user, 'session.create', 'token', v_id::text, NULL,
	                        jsonb_build_object('kind', 'session', 'address', p_addr,
	                                           'expires_at', svk.ts(v_expires)));
	RETURN json_build_object('expires_at', svk.ts(v_expires), 'user', svk.user_json(p_user));
END
$$;

CREATE OR REPLACE FUNCTION svk.session_revoke(p_actor bigint, p_token uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE svk.tokens SET revoked_at = now()
	WHERE id = p_token AND user_id = p_actor AND revoked_at IS NULL;
	PERFORM svk.audit_write(p_actor, 'session.revoke', 'token', p_token::text, NULL, NULL);
END
$$;

-- A script token as listed: never the token or its hash.
CREATE OR REPLACE FUNCTION svk.token_json(t svk.tokens) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', t.id, 'name', t.name, 'created_at', svk.ts(t.created_at),
	                         'expires_at', svk.ts(t.expires_at),
	                         'last_used_at', svk.ts(t.last_used_at))
$$;

-- The tokens that are listed and revoked one by one: script tokens that
-- still work (a session ends with logout or its expiry).
CREATE OR REPLACE FUNCTION svk.token_listed(t svk.tokens) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT t.kind = 'script' AND t.revoked_at IS NULL AND t.expires_at > now()
$$;

CREATE OR REPLACE FUNCTION svk.token_create(p_actor bigint, p_hash text, p_name text, p_days int)
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
	RETURN svk.token_json(t);
END
$$;

-- Revokes one script token of the actor (p_owner NULL) or, for an admin,
-- of the user named p_owner. Anyone else's token, or one that no longer
-- works, is not found: the answer does not say whether it exists.
CREATE OR REPLACE FUNCTION svk.token_revoke(p_actor bigint, p_owner text, p_token uuid)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_owner bigint := p_actor;
	t svk.tokens;
BEGIN
	IF p_owner IS NOT NULL THEN
		SELECT id INTO v_owner FROM svk.users WHERE username = p_owner;
		IF NOT FOUND THEN
			RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = format('no user named "%s"', p_owner);
		END IF;
	END IF;
	SELECT * INTO t FROM svk.tokens WHERE id = p_token AND user_id = v_owner FOR UPDATE;
	IF NOT FOUND OR NOT svk.token_listed(t) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = 'no such token';
	END IF;
	UPDATE svk.tokens SET revoked_at = now() WHERE id = t.id RETURNING * INTO t;
	PERFORM svk.audit_write(p_actor, 'token.revoke', 'token', t.id::text,
	                        (svk.token_json(t)::jsonb - 'last_used_at')
	                            || jsonb_build_object('user', (SELECT username FROM svk.users
	                                                           WHERE id = t.user_id)),
	                        jsonb_build_object('revoked_at', svk.ts(t.revoked_at)));
END
$$;

CREATE OR REPLACE FUNCTION svk.audit_refusal(p_actor bigint, p_request text, p_reason text)
RETURNS void LANGUAGE sql AS $$
	SELECT svk.audit_write(p_actor, 'request.refused', 'request', NULL, NULL,
	                       jsonb_build_object('request', p_request, 'reason', p_reason))
$$;

-- Retention of what authentication leaves behind (run by samverkand purge):
-- tokens past their expiry, failed-login counters idle for a day (longer
-- than any throttling window; their keys name usernames and addresses),
-- and idempotency answers older than 24 hours. Counts each; deletes only
-- when not p_dry_run, with one audit entry naming the counts.
CREATE OR REPLACE FUNCTION svk.purge_expired(p_dry_run boolean) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_tokens bigint;
	v_failures bigint;
	v_keys bigint;
BEGIN
	IF p_dry_run THEN
		SELECT count(*) INTO v_tokens FROM svk.tokens WHERE expires_at < now();
		SELECT count(*) INTO v_failures FROM svk.login_failures
		WHERE last_at < now() - interval '1 day';
		SELECT count(*) INTO v_keys FROM svk.idempotency_keys
		WHERE created_at <= now() - interval '24 hours';
	ELSE
		WITH d AS (DELETE FROM svk.tokens WHERE expires_at < now() RETURNING 1)
		SELECT count(*) INTO v_tokens FROM d;
		WITH d AS (DELETE FROM svk.login_failures WHERE last_at < now() - interval '1 day'
		           RETURNING 1)
		SELECT count(*) INTO v_failures FROM d;
		WITH d AS (DELETE FROM svk.idempotency_keys
		           WHERE created_at <= now() - interval '24 hours' RETURNING 1)
		SELECT count(*) INTO v_keys FROM d;
		IF v_tokens + v_failures + v_keys > 0 THEN
			PERFORM svk.audit_write(NULL, 'auth.purge', 'retention', NULL, NULL,
				jsonb_build_object('tokens', v_tokens, 'login_failures', v_failures,
				                   'idempotency_keys', v_keys));
		END IF;
	END IF;
	RETURN json_build_object('tokens', v_tokens, 'login_failures', v_failures,
	                         'idempotency_keys', v_keys);
END
$$;

-- A token used to authenticate: when, at most once a minute (auth_actor).
CREATE OR REPLACE FUNCTION svk.token_used(p_token uuid, p_last timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF p_last IS NULL OR p_last < now() - interval '1 minute' THEN
		UPDATE svk.tokens s SET last_used_at = now()
		FROM svk.users u
		WHERE s.id = p_token AND u.id = s.user_id AND u.active
		  AND (s.last_used_at IS NULL OR s.last_used_at < now() - interval '1 minute');
	END IF;
END
$$;

-- Idempotency-Key (daemon/idem.c). A stored answer is kept for 24 hours:
-- an older one is removed by the lookup, so that the key may be claimed
-- again (purge removes the rest).
CREATE OR REPLACE FUNCTION svk.idem_lookup(p_user bigint, p_key text)
RETURNS TABLE (request_hash text, status int, response text, location text)
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM svk.idempotency_keys k
	WHERE k.user_id = p_user AND k.key = p_key AND k.created_at <= now() - interval '24 hours';
	RETURN QUERY
	SELECT encode(k.request_hash, 'hex'), k.status, k.response, k.location
	FROM svk.idempotency_keys k
	WHERE k.user_id = p_user AND k.key = p_key AND k.created_at > now() - interval '24 hours';
END
$$;

-- The claim, in the write's transaction; a unique violation when the key
-- was claimed meanwhile.
CREATE OR REPLACE FUNCTION svk.idem_claim(p_user bigint, p_key text, p_method text, p_path text,
                                          p_hash text) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO svk.idempotency_keys (user_id, key, method, path, request_hash)
	VALUES (p_user, p_key, p_method, p_path, decode(p_hash, 'hex'))
$$;

-- The answer, in the same transaction as the claim and the write.
CREATE OR REPLACE FUNCTION svk.idem_store(p_user bigint, p_key text, p_status int,
                                          p_response text, p_location text) RETURNS void
LANGUAGE sql AS $$
	UPDATE svk.idempotency_keys SET status = p_status, response = p_response, location = p_location
	WHERE user_id = p_user AND key = p_key
$$;

-- Sent between the token's lookup (auth_actor) and the route's read in one
-- pipelined batch: for a token that is not live it fails, and PostgreSQL
-- then skips the read (the rest of the batch is aborted), so a made-up
-- token with a valid checksum costs one index lookup and no more. The
-- conditions are auth_actor's (sql/queries/auth.sql).
CREATE OR REPLACE FUNCTION svk.auth_require(p_hash text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM svk.tokens t JOIN svk.users u ON u.id = t.user_id
	               WHERE t.hash = decode(p_hash, 'hex') AND t.revoked_at IS NULL
	                 AND t.expires_at > now() AND u.active) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV401', MESSAGE = 'the token is not live';
	END IF;
END
$$;

GRANT EXECUTE ON FUNCTION
	svk.auth_require(text),
	svk.token_used(uuid, timestamptz),
	svk.idem_lookup(bigint, text),
	svk.idem_claim(bigint, text, text, text, text),
	svk.idem_store(bigint, text, int, text, text),
	svk.login_lookup(text, text, int, int, int),
	svk.login_failed(text, text, int),
	svk.session_create(bigint, text, int, text),
	svk.session_revoke(bigint, uuid),
	svk.token_json(svk.tokens),
	svk.token_listed(svk.tokens),
	svk.token_create(bigint, text, text, int),
	svk.token_revoke(bigint, text, uuid),
	svk.audit_refusal(bigint, text, text),
	svk.purge_expired(boolean)
	TO samverkan_app;
