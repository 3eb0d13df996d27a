-- Organisations, users, groups and memberships (the admin's; co-opting
-- chairs'), with their representations.

CREATE OR REPLACE FUNCTION svk.org_json(o svk.organisations) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('slug', o.slug, 'name', o.name, 'kind', o.kind,
	                         'party', o.party, 'created_at', svk.ts(o.created_at))
$$;

-- Without FROM, so that the planner inlines it into hot queries; the
-- by-id form below is for functions that change a user.
CREATE OR REPLACE FUNCTION svk.user_json(u svk.users, p_org text) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('username', u.username, 'display_name', u.display_name,
	                         'organisation', p_org, 'active', u.active, 'admin', u.admin,
	                         'email', u.email, 'notify', u.notify,
	                         'created_at', svk.ts(u.created_at))
$$;

CREATE OR REPLACE FUNCTION svk.user_json(p_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT svk.user_json(u, o.slug)
	FROM svk.users u JOIN svk.organisations o ON o.id = u.organisation_id
	WHERE u.id = p_id
$$;

CREATE OR REPLACE FUNCTION svk.group_json(g svk.groups) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('slug', g.slug, 'name', g.name, 'tier', g.tier,
	                         'municipality', (SELECT slug FROM svk.organisations WHERE id = g.municipality_id),
	                         'created_at', svk.ts(g.created_at))
$$;

CREATE OR REPLACE FUNCTION svk.membership_json(p_group bigint, p_user bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('group', g.slug, 'username', u.username,
	                         'display_name', u.display_name, 'organisation', o.slug,
	                         'role', m.role, 'until', m.until,
	                         'live', (m.until IS NULL OR m.until >= svk.today()) AND u.active,
	                         'coopted_by', c.username)
	FROM svk.memberships m
	JOIN svk.groups g ON g.id = m.group_id
	JOIN svk.users u ON u.id = m.user_id
	JOIN svk.organisations o ON o.id = u.organisation_id
	LEFT JOIN svk.users c ON c.id = m.coopted_by
	WHERE m.group_id = p_group AND m.user_id = p_user
$$;

CREATE OR REPLACE FUNCTION svk.org_id(p_slug text, p_field text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v bigint;
BEGIN
	SELECT id INTO v FROM svk.organisations WHERE slug = p_slug;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = p_field,
			MESSAGE = format('no organisation with slug "%s"', p_slug);
	END IF;
	RETURN v;
END
$$;

CREATE OR REPLACE FUNCTION svk.org_create(p_actor bigint, p_slug text, p_name text, p_kind text,
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

CREATE OR REPLACE FUNCTION svk.user_create(p_actor bigint, p_username text, p_display text,
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

CREATE OR REPLACE FUNCTION svk.user_update(p_actor bigint, p_username text, p_display text,
                                p_active boolean, p_admin boolean, p_if_match text,
                                p_email text, p_notify text)
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
	IF p_admin AND EXISTS (SELECT 1 FROM svk.memberships m JOIN svk.groups g ON g.id = m.group_id
	                       WHERE m.user_id = v_id AND m.role = 'decision_maker') THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'admin',
			MESSAGE = 'a decision maker is never an admin: remove the decision_maker role first';
	END IF;
	v_before := svk.user_json(v_id)::jsonb;
	-- p_email: NULL leaves the address, '' removes it.
	IF (SELECT (coalesce(p_display, display_name), coalesce(p_active, active), coalesce(p_admin, admin),
	            CASE WHEN p_email IS NULL THEN email ELSE nullif(p_email, '') END,
	            coalesce(p_notify, notify))
	           IS NOT DISTINCT FROM (display_name, active, admin, email, notify)
	    FROM svk.users WHERE id = v_id) THEN
		RETURN v_before::json; -- nothing changes, nothing is written
	END IF;
	UPDATE svk.users SET
		display_name = coalesce(p_display, display_name),
		active = coalesce(p_active, active),
		admin = coalesce(p_admin, admin),
		email = CASE WHEN p_email IS NULL THEN email ELSE nullif(p_email, '') END,
		notify = coalesce(p_notify, notify),
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

CREATE OR REPLACE FUNCTION svk.user_set_password(p_actor bigint, p_username text, p_hash text,
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

CREATE OR REPLACE FUNCTION svk.group_create(p_actor bigint, p_slug text, p_name text, p_tier text,
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

-- A chair of the beredningsgrupp co-opts (the role policy allowed the actor
-- that much and no more: p_as_chair); an admin manages every group. What
-- depends on the group is checked here, under its lock.
CREATE OR REPLACE FUNCTION svk.coopt_group(p_group text, p_as_chair boolean)
RETURNS svk.groups LANGUAGE plpgsql AS $$
DECLARE
	g svk.groups;
BEGIN
	SELECT * INTO g FROM svk.groups WHERE slug = p_group FOR SHARE;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = format('no group with slug "%s"', p_group);
	END IF;
	-- The styrgrupp is made by the agreement's parties, not co-opted.
	IF p_as_chair AND g.tier = 'styrgrupp' THEN
		RAISE EXCEPTION USING ERRCODE = 'SV403',
			MESSAGE = 'adding members to the styrgrupp requires the admin right';
	END IF;
	IF p_as_chair AND g.tier NOT IN ('beredningsgrupp', 'arbetsgrupp') THEN
		RAISE EXCEPTION USING ERRCODE = 'SV403',
			MESSAGE = 'members can only be co-opted into the beredningsgrupp or an arbetsgrupp';
	END IF;
	RETURN g;
END
$$;

-- A co-option ends by the end of the agreement in force today (the latest
-- end, should several be in force), and never before today: the chair's
-- `until` is mandatory and within those bounds.
CREATE OR REPLACE FUNCTION svk.coopt_check_until(p_until date) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_today date := svk.today();
	v_end date;
BEGIN
	SELECT max(valid_to) INTO v_end FROM svk.agreements
	WHERE valid_from <= v_today AND valid_to >= v_today;
	IF v_end IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'until',
			MESSAGE = 'no agreement is in force today: there is nothing to co-opt for';
	END IF;
	IF p_until IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'until',
			MESSAGE = format('a co-opted membership needs an end date: give until, at most the agreement''s end %s',
			                 v_end);
	END IF;
	IF p_until < v_today THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'until',
			MESSAGE = format('until %s is in the past (today is %s)', p_until, v_today);
	END IF;
	IF p_until > v_end THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'until',
			MESSAGE = format('until %s is after the agreement''s end %s', p_until, v_end);
	END IF;
END
$$;

-- The membership of p_group's id and p_user, locked for the change, and
-- whether the actor may change it: a chair (p_as_chair) only the
-- memberships they co-opted; the rest is the admin's.
CREATE OR REPLACE FUNCTION svk.member_lock(p_actor bigint, p_group bigint, p_user bigint,
                                p_as_chair boolean) RETURNS svk.memberships
LANGUAGE plpgsql AS $$
DECLARE
	m svk.memberships;
BEGIN
	SELECT * INTO m FROM svk.memberships
	WHERE group_id = p_group AND user_id = p_user FOR UPDATE;
	IF FOUND AND p_as_chair AND m.coopted_by IS DISTINCT FROM p_actor THEN
		RAISE EXCEPTION USING ERRCODE = 'SV403',
			MESSAGE = 'a chair changes and removes only the memberships they co-opted; '
			          'this one requires the admin right';
	END IF;
	RETURN m;
END
$$;

-- An admin's membership is the admin's (coopted_by NULL), also when it
-- replaces a co-option; a chair's is a co-option with an `until` in
-- bounds, recorded as theirs.
CREATE OR REPLACE FUNCTION svk.member_put(p_actor bigint, p_group text, p_username text,
                               p_role text, p_until date, p_as_chair boolean) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	g svk.groups;
	m svk.memberships;
	v_user bigint;
	v_party boolean;
	v_before jsonb;
	v_inserted boolean := false;
	v_after json;
BEGIN
	g := svk.coopt_group(p_group, p_as_chair);
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
	IF p_role = 'decision_maker' AND (SELECT admin FROM svk.users WHERE id = v_user) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'role',
			MESSAGE = 'an admin never decides: take the admin right away first, or appoint another user';
	END IF;
	IF p_role = 'decision_maker' AND NOT v_party THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'role',
			MESSAGE = 'only users of organisations that are parties to the agreement can be decision makers';
	END IF;
	m := svk.member_lock(p_actor, g.id, v_user, p_as_chair);
	IF p_as_chair THEN
		PERFORM svk.coopt_check_until(p_until);
	END IF;
	IF m.group_id IS NULL THEN
		INSERT INTO svk.memberships (group_id, user_id, role, until, coopted_by)
		VALUES (g.id, v_user, p_role, p_until, CASE WHEN p_as_chair THEN p_actor END)
		ON CONFLICT (group_id, user_id) DO NOTHING
		RETURNING true INTO v_inserted;
		IF v_inserted IS NULL THEN
			RAISE EXCEPTION USING ERRCODE = 'SV409',
				MESSAGE = format('%s was added to %s meanwhile; try again', p_username, p_group);
		END IF;
	ELSIF (m.role, m.until, m.coopted_by) IS NOT DISTINCT FROM
	      (p_role, p_until, CASE WHEN p_as_chair THEN p_actor END) THEN
		-- Nothing changes: nothing is written, nothing audited.
		RETURN json_build_object('created', NULL, 'membership', svk.membership_json(g.id, v_user));
	ELSE
		v_before := svk.membership_json(g.id, v_user)::jsonb;
		UPDATE svk.memberships
		SET role = p_role, until = p_until, coopted_by = CASE WHEN p_as_chair THEN p_actor END
		WHERE group_id = g.id AND user_id = v_user;
	END IF;
	v_after := svk.membership_json(g.id, v_user);
	PERFORM svk.audit_write(p_actor, 'membership.put', 'membership', p_group || '/' || p_username,
	                        v_before, v_after::jsonb);
	RETURN json_build_object('created', v_inserted, 'membership', v_after);
END
$$;

CREATE OR REPLACE FUNCTION svk.member_delete(p_actor bigint, p_group text, p_username text,
                                  p_as_chair boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_group bigint;
	v_user bigint;
	m svk.memberships;
	v_before jsonb;
BEGIN
	v_group := (svk.coopt_group(p_group, p_as_chair)).id;
	SELECT u.id INTO v_user FROM svk.users u WHERE u.username = p_username;
	m := svk.member_lock(p_actor, v_group, v_user, p_as_chair);
	IF m.group_id IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404',
			MESSAGE = format('%s is not a member of %s', p_username, p_group);
	END IF;
	v_before := svk.membership_json(v_group, v_user)::jsonb;
	DELETE FROM svk.memberships WHERE group_id = v_group AND user_id = v_user;
	PERFORM svk.audit_write(p_actor, 'membership.delete', 'membership',
	                        p_group || '/' || p_username, v_before, NULL);
END
$$;

GRANT EXECUTE ON FUNCTION
	svk.org_json(svk.organisations),
	svk.user_json(svk.users, text),
	svk.user_json(bigint),
	svk.group_json(svk.groups),
	svk.membership_json(bigint, bigint),
	svk.org_id(text, text),
	svk.org_create(bigint, text, text, text, boolean),
	svk.user_create(bigint, text, text, text, boolean, text),
	svk.user_update(bigint, text, text, boolean, boolean, text, text, text),
	svk.user_set_password(bigint, text, text, uuid),
	svk.group_create(bigint, text, text, text, text),
	svk.coopt_group(text, boolean),
	svk.coopt_check_until(date),
	svk.member_lock(bigint, bigint, bigint, boolean),
	svk.member_put(bigint, text, text, text, date, boolean),
	svk.member_delete(bigint, text, text, boolean)
	TO samverkan_app;
