-- The agreement, its focus areas, the municipal action plans and their
-- interventions with the follow-up log.
--
-- What the decision makers approve is what is adopted: while a proposal to
-- adopt a plan awaits their decisions, the plan (its title and its
-- interventions' content) cannot change; withdrawing or returning the
-- proposal opens it again, and an intervention's progress log stays open
-- throughout. Submitting takes the plan's row lock (proposals.sql) and
-- every edit holds it while it checks, so an edit and a submission that
-- race are ordered: the edit is either in before the submission or refused.

-- Representations: what GET answers (the ETag is computed from this text).
CREATE OR REPLACE FUNCTION svk.agreement_json(a svk.agreements) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', a.id, 'title', a.title, 'goal', a.goal,
		'parties', coalesce((SELECT json_agg(o.slug ORDER BY o.slug)
		                     FROM svk.agreement_parties p
		                     JOIN svk.organisations o ON o.id = p.organisation_id
		                     WHERE p.agreement_id = a.id), '[]'),
		'valid_from', a.valid_from, 'valid_to', a.valid_to,
		'status', CASE WHEN svk.today() < a.valid_from THEN 'upcoming'
		               WHEN svk.today() > a.valid_to THEN 'expired'
		               ELSE 'active' END,
		'days_remaining', greatest(a.valid_to - svk.today(), 0),
		'extensions', coalesce((SELECT json_agg(json_build_object(
		                              'years', e.years, 'from', e.old_valid_to,
		                              'to', e.new_valid_to, 'proposal', e.proposal_id,
		                              'applied_at', svk.ts(e.applied_at)) ORDER BY e.applied_at)
		                        FROM svk.agreement_extensions e
		                        WHERE e.agreement_id = a.id), '[]'),
		'created_at', svk.ts(a.created_at))
$$;

CREATE OR REPLACE FUNCTION svk.focus_area_json(f svk.focus_areas) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', f.id, 'agreement', f.agreement_id, 'ordinal', f.ordinal,
	                         'title', f.title, 'goal', f.goal,
	                         'created_at', svk.ts(f.created_at))
$$;

CREATE OR REPLACE FUNCTION svk.plan_json(p svk.action_plans) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', p.id, 'agreement', p.agreement_id,
	                         'municipality', (SELECT slug FROM svk.organisations WHERE id = p.municipality_id),
	                         'title', p.title, 'status', p.status, 'version', p.version,
	                         'adopted_at', svk.ts(p.adopted_at),
	                         -- The version that holds while a newer one is a draft.
	                         'version_in_force', CASE WHEN p.status = 'adopted' THEN p.version
	                             ELSE (SELECT max(v.version) FROM svk.action_plan_versions v
	                                   WHERE v.plan_id = p.id) END,
	                         'created_at', svk.ts(p.created_at), 'updated_at', svk.ts(p.updated_at))
$$;

CREATE OR REPLACE FUNCTION svk.intervention_json(i svk.interventions) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', i.id, 'action_plan', i.plan_id, 'focus_area', i.focus_area_id,
		'title', i.title, 'cause', i.cause, 'description', i.description,
		'operational_goal', i.operational_goal,
		'responsible_organisation', (SELECT slug FROM svk.organisations WHERE id = i.responsible_organisation_id),
		'responsible_role', i.responsible_role, 'starts_on', i.starts_on, 'due_on', i.due_on,
		'recurring', i.recurring, 'status', i.status, 'rag', i.rag,
		'progress_percent', i.progress_percent, 'hours_spent', i.hours_spent,
		'overdue', i.due_on < svk.today() AND i.status NOT IN ('done', 'cancelled'),
		'created_at', svk.ts(i.created_at), 'updated_at', svk.ts(i.updated_at))
$$;

CREATE OR REPLACE FUNCTION svk.intervention_update_json(u svk.intervention_updates) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', u.id, 'intervention', u.intervention_id,
		'author', (SELECT username FROM svk.users WHERE id = u.author_id),
		'organisation', (SELECT o.slug FROM svk.users x JOIN svk.organisations o
		                 ON o.id = x.organisation_id WHERE x.id = u.author_id),
		'created_at', svk.ts(u.created_at), 'note', u.note, 'status', u.status, 'rag', u.rag,
		'progress_percent', u.progress_percent, 'hours', u.hours,
		'communicated', u.communicated, 'channel', u.channel)
$$;

-- A plan with its interventions, as kept for each adopted version.
CREATE OR REPLACE FUNCTION svk.plan_snapshot(p_plan uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('plan', svk.plan_json(p)::jsonb,
	                          'interventions', coalesce((
		SELECT jsonb_agg(svk.intervention_json(i)::jsonb ORDER BY i.seq)
		FROM svk.interventions i WHERE i.plan_id = p.id), '[]'))
	FROM svk.action_plans p WHERE p.id = p_plan
$$;

CREATE OR REPLACE FUNCTION svk.agreement_create(p_actor bigint, p_title text, p_goal text,
                                     p_parties text[], p_from date, p_to date)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	a svk.agreements;
	v_slug text;
BEGIN
	IF p_to < p_from THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'valid_to',
			MESSAGE = 'must not be before valid_from';
	END IF;
	IF coalesce(array_length(p_parties, 1), 0) = 0 THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'parties',
			MESSAGE = 'name at least one party';
	END IF;
	INSERT INTO svk.agreements (title, goal, valid_from, valid_to)
	VALUES (p_title, p_goal, p_from, p_to)
	ON CONFLICT (title, valid_from) DO NOTHING
	RETURNING * INTO a;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = 'an agreement with this title and start date already exists';
	END IF;
	FOREACH v_slug IN ARRAY p_parties LOOP
		IF NOT EXISTS (SELECT 1 FROM svk.organisations WHERE slug = v_slug AND party) THEN
			RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'parties',
				MESSAGE = format('"%s" is not an organisation that can be a party', v_slug);
		END IF;
		INSERT INTO svk.agreement_parties (agreement_id, organisation_id)
		VALUES (a.id, svk.org_id(v_slug, 'parties')) ON CONFLICT DO NOTHING;
	END LOOP;
	PERFORM svk.audit_write(p_actor, 'agreement.create', 'agreement', a.id::text, NULL,
	                        svk.agreement_json(a)::jsonb);
	RETURN svk.agreement_json(a);
END
$$;

CREATE OR REPLACE FUNCTION svk.focus_area_create(p_actor bigint, p_agreement uuid, p_ordinal int,
                                      p_title text, p_goal text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	f svk.focus_areas;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM svk.agreements WHERE id = p_agreement) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = 'no such agreement';
	END IF;
	INSERT INTO svk.focus_areas (agreement_id, ordinal, title, goal)
	VALUES (p_agreement, p_ordinal, p_title, p_goal)
	ON CONFLICT (agreement_id, ordinal) DO NOTHING
	RETURNING * INTO f;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('the agreement already has focus area %s', p_ordinal);
	END IF;
	PERFORM svk.audit_write(p_actor, 'focus_area.create', 'focus_area', f.id::text, NULL,
	                        svk.focus_area_json(f)::jsonb);
	RETURN svk.focus_area_json(f);
END
$$;

CREATE OR REPLACE FUNCTION svk.plan_create(p_actor bigint, p_agreement uuid, p_municipality text,
                                p_title text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	v_mun bigint;
	p svk.action_plans;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM svk.agreements WHERE id = p_agreement) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'agreement',
			MESSAGE = 'no such agreement';
	END IF;
	SELECT id INTO v_mun FROM svk.organisations WHERE slug = p_municipality AND kind = 'municipality';
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'municipality',
			MESSAGE = format('no municipality with slug "%s"', p_municipality);
	END IF;
	INSERT INTO svk.action_plans (agreement_id, municipality_id, title)
	VALUES (p_agreement, v_mun, p_title)
	ON CONFLICT (agreement_id, municipality_id) DO NOTHING
	RETURNING * INTO p;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('%s already has an action plan under this agreement', p_municipality);
	END IF;
	PERFORM svk.audit_write(p_actor, 'action_plan.create', 'action_plan', p.id::text, NULL,
	                        svk.plan_json(p)::jsonb);
	RETURN svk.plan_json(p);
END
$$;

-- p_new_version: start the next version of an adopted plan as a draft.
CREATE OR REPLACE FUNCTION svk.plan_update(p_actor bigint, p_plan uuid, p_title text,
                                p_new_version boolean, p_if_match text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	p svk.action_plans;
	v_before jsonb;
BEGIN
	SELECT * INTO p FROM svk.action_plans WHERE id = p_plan FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = 'no such action plan';
	END IF;
	PERFORM svk.check_etag(svk.plan_json(p), p_if_match);
	v_before := svk.plan_json(p)::jsonb;
	IF p_new_version THEN
		IF p.status <> 'adopted' THEN
			RAISE EXCEPTION USING ERRCODE = 'SV409',
				MESSAGE = 'the plan is already a draft';
		END IF;
		UPDATE svk.action_plans SET status = 'draft', version = version + 1,
			adopted_at = NULL, title = coalesce(p_title, title), updated_at = now()
		WHERE id = p_plan RETURNING * INTO p;
	ELSE
		IF p.status = 'adopted' THEN
			RAISE EXCEPTION USING ERRCODE = 'SV409',
				MESSAGE = 'the plan is adopted and read-only; start its next version with {"status": "draft"}';
		END IF;
		IF p_title IS NULL OR p_title = p.title THEN
			RETURN svk.plan_json(p); -- nothing changes, nothing is written
		END IF;
		UPDATE svk.action_plans SET title = p_title, updated_at = now()
		WHERE id = p_plan RETURNING * INTO p;
	END IF;
	PERFORM svk.audit_write(p_actor, 'action_plan.update', 'action_plan', p.id::text,
	                        v_before, svk.plan_json(p)::jsonb);
	RETURN svk.plan_json(p);
END
$$;

-- The submitted proposal that would adopt the plan, or NULL.
CREATE OR REPLACE FUNCTION svk.plan_proposal_pending(p_plan uuid) RETURNS svk.proposals
LANGUAGE sql STABLE AS $$
	SELECT * FROM svk.proposals
	WHERE kind = 'action_plan' AND action_plan_id = p_plan AND status = 'submitted'
	LIMIT 1
$$;

CREATE OR REPLACE FUNCTION svk.plan_not_under_decision(p_plan uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	p svk.proposals := svk.plan_proposal_pending(p_plan);
BEGIN
	IF p.id IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('the plan awaits the styrgrupp''s decision on proposal %s (%s); '
			                 'withdraw the proposal or have it returned to change the plan',
			                 p.id, p.title);
	END IF;
END
$$;

-- Interventions are created and changed through plan_editable; the plan's
-- row is locked (FOR SHARE) before the pending proposal is looked for.
CREATE OR REPLACE FUNCTION svk.plan_editable(p_plan uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF (SELECT status FROM svk.action_plans WHERE id = p_plan FOR SHARE) = 'adopted' THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = 'the plan is adopted and read-only; start its next version first';
	END IF;
	PERFORM svk.plan_not_under_decision(p_plan);
END
$$;

-- The plan's own content: its title.
CREATE OR REPLACE FUNCTION svk.action_plans_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM svk.plan_not_under_decision(NEW.id);
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER action_plans_frozen BEFORE UPDATE ON svk.action_plans
FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
EXECUTE FUNCTION svk.action_plans_frozen();

CREATE OR REPLACE FUNCTION svk.intervention_check(p_plan uuid, i svk.interventions) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM svk.focus_areas f JOIN svk.action_plans p
	               ON p.agreement_id = f.agreement_id
	               WHERE f.id = i.focus_area_id AND p.id = p_plan) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'focus_area',
			MESSAGE = 'must be a focus area of the plan''s agreement';
	END IF;
	IF i.due_on IS NOT NULL AND i.starts_on IS NOT NULL AND i.due_on < i.starts_on THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'due_on',
			MESSAGE = 'must not be before starts_on';
	END IF;
END
$$;

-- p: the fields as JSON (validated by the daemon for types and ranges).
CREATE OR REPLACE FUNCTION svk.intervention_create(p_actor bigint, p_plan uuid, p jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	i svk.interventions;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM svk.action_plans WHERE id = p_plan) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = 'no such action plan';
	END IF;
	PERFORM svk.plan_editable(p_plan);
	i.plan_id := p_plan;
	i.focus_area_id := (p->>'focus_area')::uuid;
	i.responsible_organisation_id := svk.org_id(p->>'responsible_organisation', 'responsible_organisation');
	i.starts_on := (p->>'starts_on')::date;
	i.due_on := (p->>'due_on')::date;
	PERFORM svk.intervention_check(p_plan, i);
	INSERT INTO svk.interventions (plan_id, focus_area_id, title, cause, description,
		operational_goal, responsible_organisation_id, responsible_role, starts_on, due_on,
		recurring, status, rag, progress_percent, hours_spent)
	VALUES (p_plan, i.focus_area_id, p->>'title', coalesce(p->>'cause', ''),
		coalesce(p->>'description', ''), coalesce(p->>'operational_goal', ''),
		i.responsible_organisation_id, coalesce(p->>'responsible_role', ''),
		i.starts_on, i.due_on, coalesce((p->>'recurring')::boolean, false),
		coalesce(p->>'status', 'planned'), coalesce(p->>'rag', 'green'),
		coalesce((p->>'progress_percent')::int, 0), coalesce((p->>'hours_spent')::numeric, 0))
	RETURNING * INTO i;
	UPDATE svk.action_plans SET updated_at = now() WHERE id = p_plan;
	PERFORM svk.audit_write(p_actor, 'intervention.create', 'intervention', i.id::text, NULL,
	                        svk.intervention_json(i)::jsonb);
	RETURN svk.intervention_json(i);
END
$$;

CREATE OR REPLACE FUNCTION svk.intervention_patch(p_actor bigint, p_id uuid, p jsonb, p_if_match text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	i svk.interventions;
	v_old svk.interventions;
	v_before jsonb;
BEGIN
	SELECT * INTO i FROM svk.interventions WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = 'no such intervention';
	END IF;
	PERFORM svk.check_etag(svk.intervention_json(i), p_if_match);
	PERFORM svk.plan_editable(i.plan_id);
	v_old := i;
	v_before := svk.intervention_json(i)::jsonb;
	IF p ? 'focus_area' THEN i.focus_area_id := (p->>'focus_area')::uuid; END IF;
	IF p ? 'title' THEN i.title := p->>'title'; END IF;
	IF p ? 'cause' THEN i.cause := coalesce(p->>'cause', ''); END IF;
	IF p ? 'description' THEN i.description := coalesce(p->>'description', ''); END IF;
	IF p ? 'operational_goal' THEN i.operational_goal := coalesce(p->>'operational_goal', ''); END IF;
	IF p ? 'responsible_organisation' THEN
		i.responsible_organisation_id := svk.org_id(p->>'responsible_organisation', 'responsible_organisation');
	END IF;
	IF p ? 'responsible_role' THEN i.responsible_role := coalesce(p->>'responsible_role', ''); END IF;
	IF p ? 'starts_on' THEN i.starts_on := (p->>'starts_on')::date; END IF;
	IF p ? 'due_on' THEN i.due_on := (p->>'due_on')::date; END IF;
	IF p ? 'recurring' THEN i.recurring := (p->>'recurring')::boolean; END IF;
	IF p ? 'status' THEN i.status := p->>'status'; END IF;
	IF p ? 'rag' THEN i.rag := p->>'rag'; END IF;
	IF p ? 'progress_percent' THEN i.progress_percent := (p->>'progress_percent')::int; END IF;
	IF p ? 'hours_spent' THEN i.hours_spent := (p->>'hours_spent')::numeric; END IF;
	IF i IS NOT DISTINCT FROM v_old THEN
		RETURN svk.intervention_json(i); -- nothing changes, nothing is written
	END IF;
	PERFORM svk.intervention_check(i.plan_id, i);
	UPDATE svk.interventions SET focus_area_id = i.focus_area_id, title = i.title,
		cause = i.cause, description = i.description, operational_goal = i.operational_goal,
		responsible_organisation_id = i.responsible_organisation_id,
		responsible_role = i.responsible_role, starts_on = i.starts_on, due_on = i.due_on,
		recurring = i.recurring, status = i.status, rag = i.rag,
		progress_percent = i.progress_percent, hours_spent = i.hours_spent, updated_at = now()
	WHERE id = p_id RETURNING * INTO i;
	UPDATE svk.action_plans SET updated_at = now() WHERE id = i.plan_id;
	PERFORM svk.audit_write(p_actor, 'intervention.update', 'intervention', i.id::text,
	                        v_before, svk.intervention_json(i)::jsonb);
	RETURN svk.intervention_json(i);
END
$$;

-- The follow-up log: the update and the intervention's new state together.
-- p_only_org: the role policy allows the actor to log only on interventions
-- their own organisation is responsible for (NULL: on any); p_refusal is the
-- policy's sentence for the others. The responsible organisation is read
-- here, under the intervention's lock.
CREATE OR REPLACE FUNCTION svk.intervention_log(p_actor bigint, p_id uuid, p jsonb,
                                     p_only_org text, p_refusal text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	i svk.interventions;
	u svk.intervention_updates;
	v_before jsonb;
BEGIN
	SELECT * INTO i FROM svk.interventions WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = 'no such intervention';
	END IF;
	IF p_only_org IS NOT NULL AND p_only_org IS DISTINCT FROM
	   (SELECT slug FROM svk.organisations WHERE id = i.responsible_organisation_id) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV403', MESSAGE = p_refusal;
	END IF;
	v_before := svk.intervention_json(i)::jsonb;
	INSERT INTO svk.intervention_updates (intervention_id, author_id, note, status, rag,
		progress_percent, hours, communicated, channel)
	VALUES (p_id, p_actor, p->>'note', p->>'status', p->>'rag',
		(p->>'progress_percent')::int, (p->>'hours')::numeric,
		coalesce((p->>'communicated')::boolean, false), p->>'channel')
	RETURNING * INTO u;
	UPDATE svk.interventions SET
		status = coalesce(u.status, status), rag = coalesce(u.rag, rag),
		progress_percent = coalesce(u.progress_percent, progress_percent),
		hours_spent = hours_spent + coalesce(u.hours, 0), updated_at = now()
	WHERE id = p_id RETURNING * INTO i;
	PERFORM svk.audit_write(p_actor, 'intervention.log', 'intervention', i.id::text,
	                        v_before, jsonb_build_object('update', svk.intervention_update_json(u)::jsonb,
	                                                     'intervention', svk.intervention_json(i)::jsonb));
	RETURN svk.intervention_update_json(u);
END
$$;

GRANT EXECUTE ON FUNCTION
	svk.agreement_json(svk.agreements),
	svk.focus_area_json(svk.focus_areas),
	svk.plan_json(svk.action_plans),
	svk.intervention_json(svk.interventions),
	svk.intervention_update_json(svk.intervention_updates),
	svk.plan_snapshot(uuid),
	svk.agreement_create(bigint, text, text, text[], date, date),
	svk.focus_area_create(bigint, uuid, int, text, text),
	svk.plan_create(bigint, uuid, text, text),
	svk.plan_update(bigint, uuid, text, boolean, text),
	svk.plan_editable(uuid),
	svk.intervention_check(uuid, svk.interventions),
	svk.intervention_create(bigint, uuid, jsonb),
	svk.intervention_patch(bigint, uuid, jsonb, text),
	svk.intervention_log(bigint, uuid, jsonb, text, text)
	TO samverkan_app;
