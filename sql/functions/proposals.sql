-- Decision documents (beslutsunderlag) and the per-organisation approvals
-- of the styrgrupp: one engine for four kinds. One decision per
-- organisation per round rests on a unique key, one effect on the
-- proposal's row lock, taken by every decision, submission and withdrawal.

CREATE OR REPLACE FUNCTION svk.proposal_json(p svk.proposals) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', p.id, 'agreement', p.agreement_id, 'kind', p.kind, 'title', p.title,
		'background', p.background, 'proposal_text', p.proposal_text,
		'focus_area', p.focus_area_id, 'action_plan', p.action_plan_id,
		'follow_up_year', p.follow_up_year, 'extension_years', p.extension_years,
		'extends_valid_to', p.extends_valid_to,
		'resources', coalesce((SELECT json_agg(json_build_object(
				'organisation', o.slug, 'description', r.description,
				'amount', r.amount, 'unit', r.unit) ORDER BY r.id)
			FROM svk.proposal_resources r JOIN svk.organisations o ON o.id = r.organisation_id
			WHERE r.proposal_id = p.id), '[]'),
		'affected', coalesce((SELECT json_agg(o.slug ORDER BY o.slug)
			FROM svk.proposal_affected a JOIN svk.organisations o ON o.id = a.organisation_id
			WHERE a.proposal_id = p.id), '[]'),
		'status', p.status, 'round', p.round,
		'author', (SELECT username FROM svk.users WHERE id = p.author_id),
		'decisions', coalesce((SELECT json_agg(json_build_object(
				'round', d.round, 'organisation', o.slug, 'verdict', d.verdict,
				'decided_by', u.username, 'comment', d.comment,
				'decided_at', svk.ts(d.decided_at)) ORDER BY d.round, d.decided_at)
			FROM svk.decisions d JOIN svk.organisations o ON o.id = d.organisation_id
			JOIN svk.users u ON u.id = d.decided_by
			WHERE d.proposal_id = p.id), '[]'),
		'created_at', svk.ts(p.created_at), 'updated_at', svk.ts(p.updated_at),
		'submitted_at', svk.ts(p.submitted_at), 'decided_at', svk.ts(p.decided_at))
$$;

-- Replaces the resource lines from a JSON array [{organisation, description, amount, unit}].
CREATE OR REPLACE FUNCTION svk.proposal_set_resources(p_id uuid, p_lines jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	l jsonb;
	i int := 0;
BEGIN
	DELETE FROM svk.proposal_resources WHERE proposal_id = p_id;
	FOR l IN SELECT * FROM jsonb_array_elements(coalesce(p_lines, '[]')) LOOP
		INSERT INTO svk.proposal_resources (proposal_id, organisation_id, description, amount, unit)
		VALUES (p_id, svk.org_id(l->>'organisation', format('resources[%s].organisation', i)),
		        l->>'description', (l->>'amount')::numeric, l->>'unit');
		i := i + 1;
	END LOOP;
END
$$;

-- The links each kind needs, checked against the agreement.
CREATE OR REPLACE FUNCTION svk.proposal_check(p svk.proposals) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF p.focus_area_id IS NOT NULL AND NOT EXISTS (
		SELECT 1 FROM svk.focus_areas WHERE id = p.focus_area_id AND agreement_id = p.agreement_id) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'focus_area',
			MESSAGE = 'must be a focus area of the agreement';
	END IF;
	IF p.kind = 'action_plan' AND NOT EXISTS (
		SELECT 1 FROM svk.action_plans WHERE id = p.action_plan_id AND agreement_id = p.agreement_id) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'action_plan',
			MESSAGE = 'must be an action plan under the agreement';
	END IF;
	IF p.kind = 'follow_up' AND NOT EXISTS (
		SELECT 1 FROM svk.agreements WHERE id = p.agreement_id
		AND p.follow_up_year BETWEEN extract(year FROM valid_from) AND extract(year FROM valid_to)) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'follow_up_year',
			MESSAGE = 'must be a year within the agreement''s period';
	END IF;
	IF p.kind <> 'action_plan' AND p.action_plan_id IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'action_plan',
			MESSAGE = 'only an action_plan proposal names an action plan';
	END IF;
	IF p.kind <> 'follow_up' AND p.follow_up_year IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'follow_up_year',
			MESSAGE = 'only a follow_up proposal names a year';
	END IF;
	IF p.kind <> 'extension' AND p.extension_years IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'extension_years',
			MESSAGE = 'only an extension proposal has extension_years';
	END IF;
END
$$;

-- One decision per subject: a proposal about what is already adopted
-- cannot be made or submitted, and (p_submit) a subject has at most one
-- proposal under decision. For a submission the subject's row is locked
-- first, so that of two submissions at once the second sees the first.
CREATE OR REPLACE FUNCTION svk.proposal_subject_open(p svk.proposals, p_submit boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_plan svk.action_plans;
	v_fu svk.follow_ups;
	v_end date;
	v_other svk.proposals;
BEGIN
	IF p.kind = 'action_plan' THEN
		IF p_submit THEN
			SELECT * INTO v_plan FROM svk.action_plans WHERE id = p.action_plan_id FOR UPDATE;
		ELSE
			SELECT * INTO v_plan FROM svk.action_plans WHERE id = p.action_plan_id;
		END IF;
		IF v_plan.status = 'adopted' THEN
			RAISE EXCEPTION USING ERRCODE = 'SV409', MESSAGE = format(
				'version %s of the action plan is already adopted; to change the plan, start '
				'its next version (samverkan plans edit %s --new-version) and propose that',
				v_plan.version, v_plan.id);
		END IF;
	ELSIF p.kind = 'follow_up' THEN
		IF p_submit THEN
			INSERT INTO svk.follow_ups (agreement_id, year) VALUES (p.agreement_id, p.follow_up_year)
			ON CONFLICT (agreement_id, year) DO NOTHING;
			SELECT * INTO v_fu FROM svk.follow_ups
			WHERE agreement_id = p.agreement_id AND year = p.follow_up_year FOR UPDATE;
		ELSE
			SELECT * INTO v_fu FROM svk.follow_ups
			WHERE agreement_id = p.agreement_id AND year = p.follow_up_year;
		END IF;
		IF v_fu.status = 'adopted' THEN
			RAISE EXCEPTION USING ERRCODE = 'SV409', MESSAGE = format(
				'the follow-up of %s is already adopted (proposal %s); there is nothing left to decide',
				p.follow_up_year, v_fu.proposal_id);
		END IF;
	ELSIF p.kind = 'extension' THEN
		IF p_submit THEN
			SELECT valid_to INTO v_end FROM svk.agreements WHERE id = p.agreement_id FOR UPDATE;
		ELSE
			SELECT valid_to INTO v_end FROM svk.agreements WHERE id = p.agreement_id;
		END IF;
		IF p.extends_valid_to IS DISTINCT FROM v_end THEN
			RAISE EXCEPTION USING ERRCODE = 'SV409', MESSAGE = format(
				'the agreement''s end moved from %s to %s after this proposal was written, so it can '
				'no longer take effect; withdraw it, and write a new proposal if a further '
				'extension is wanted', p.extends_valid_to, v_end);
		END IF;
	ELSE
		RETURN;
	END IF;
	IF NOT p_submit THEN
		RETURN;
	END IF;
	SELECT * INTO v_other FROM svk.proposals o
	WHERE o.id <> p.id AND o.status = 'submitted' AND o.kind = p.kind
	  AND o.agreement_id = p.agreement_id
	  AND o.action_plan_id IS NOT DISTINCT FROM p.action_plan_id
	  AND o.follow_up_year IS NOT DISTINCT FROM p.follow_up_year
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409', MESSAGE = format(
			'proposal %s (%s) on the same %s already awaits the styrgrupp''s decision; '
			'it must be decided or withdrawn first', v_other.id, v_other.title,
			CASE p.kind WHEN 'action_plan' THEN 'action plan'
			            WHEN 'follow_up' THEN 'follow-up year' ELSE 'extension of the agreement' END);
	END IF;
END
$$;

CREATE OR REPLACE FUNCTION svk.proposal_create(p_actor bigint, b jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	p svk.proposals;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM svk.agreements WHERE id = (b->>'agreement')::uuid) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'agreement', MESSAGE = 'no such agreement';
	END IF;
	p.agreement_id := (b->>'agreement')::uuid;
	p.kind := b->>'kind';
	p.focus_area_id := (b->>'focus_area')::uuid;
	p.action_plan_id := (b->>'action_plan')::uuid;
	p.follow_up_year := (b->>'follow_up_year')::int;
	p.extension_years := (b->>'extension_years')::int;
	IF p.kind = 'action_plan' AND p.action_plan_id IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'action_plan',
			MESSAGE = 'an action_plan proposal names the plan to adopt';
	END IF;
	IF p.kind = 'follow_up' AND p.follow_up_year IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'follow_up_year',
			MESSAGE = 'a follow_up proposal names the year';
	END IF;
	IF p.kind = 'extension' AND p.extension_years IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'extension_years',
			MESSAGE = 'an extension proposal says by how many years (1 to 4)';
	END IF;
	PERFORM svk.proposal_check(p);
	IF p.kind = 'extension' THEN
		p.extends_valid_to := (SELECT valid_to FROM svk.agreements WHERE id = p.agreement_id);
	END IF;
	PERFORM svk.proposal_subject_open(p, false);
	INSERT INTO svk.proposals (agreement_id, kind, title, background, proposal_text,
		focus_area_id, action_plan_id, follow_up_year, extension_years, author_id,
		extends_valid_to)
	VALUES (p.agreement_id, p.kind, b->>'title', coalesce(b->>'background', ''),
		coalesce(b->>'proposal_text', ''), p.focus_area_id, p.action_plan_id,
		p.follow_up_year, p.extension_years, p_actor, p.extends_valid_to)
	RETURNING * INTO p;
	PERFORM svk.proposal_set_resources(p.id, b->'resources');
	PERFORM svk.audit_write(p_actor, 'proposal.create', 'proposal', p.id::text, NULL,
	                        svk.proposal_json(p)::jsonb);
	RETURN svk.proposal_json(p);
END
$$;

-- Locks the proposal for a change of state; refuses unknown ones.
CREATE OR REPLACE FUNCTION svk.proposal_lock(p_id uuid) RETURNS svk.proposals
LANGUAGE plpgsql AS $$
DECLARE
	p svk.proposals;
BEGIN
	SELECT * INTO p FROM svk.proposals WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = 'no such proposal';
	END IF;
	RETURN p;
END
$$;

CREATE OR REPLACE FUNCTION svk.proposal_patch(p_actor bigint, p_id uuid, b jsonb, p_if_match text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	p svk.proposals := svk.proposal_lock(p_id);
	v_old svk.proposals := p;
	v_before jsonb;
BEGIN
	PERFORM svk.check_etag(svk.proposal_json(p), p_if_match);
	IF p.status <> 'draft' THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('the proposal is %s; only a draft can be edited', p.status);
	END IF;
	v_before := svk.proposal_json(p)::jsonb;
	IF b ? 'title' THEN p.title := b->>'title'; END IF;
	IF b ? 'background' THEN p.background := coalesce(b->>'background', ''); END IF;
	IF b ? 'proposal_text' THEN p.proposal_text := coalesce(b->>'proposal_text', ''); END IF;
	IF b ? 'focus_area' THEN p.focus_area_id := (b->>'focus_area')::uuid; END IF;
	IF b ? 'action_plan' THEN p.action_plan_id := (b->>'action_plan')::uuid; END IF;
	IF b ? 'follow_up_year' THEN p.follow_up_year := (b->>'follow_up_year')::int; END IF;
	IF b ? 'extension_years' THEN p.extension_years := (b->>'extension_years')::int; END IF;
	-- An edit that changes nothing writes nothing: no new updated_at (the
	-- ETag stays), no audit entry.
	IF p IS NOT DISTINCT FROM v_old AND (NOT b ? 'resources'
	   OR svk.proposal_resources_same(p.id, b->'resources')) THEN
		RETURN svk.proposal_json(p);
	END IF;
	PERFORM svk.proposal_check(p);
	PERFORM svk.proposal_subject_open(p, false);
	UPDATE svk.proposals SET title = p.title, background = p.background,
		proposal_text = p.proposal_text, focus_area_id = p.focus_area_id,
		action_plan_id = p.action_plan_id, follow_up_year = p.follow_up_year,
		extension_years = p.extension_years, updated_at = now()
	WHERE id = p_id RETURNING * INTO p;
	IF b ? 'resources' THEN
		PERFORM svk.proposal_set_resources(p.id, b->'resources');
	END IF;
	PERFORM svk.audit_write(p_actor, 'proposal.update', 'proposal', p.id::text, v_before,
	                        svk.proposal_json(p)::jsonb);
	RETURN svk.proposal_json(p);
END
$$;

-- Whether the resource lines given are those the proposal has.
CREATE OR REPLACE FUNCTION svk.proposal_resources_same(p_id uuid, p_lines jsonb) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT jsonb_agg(jsonb_build_object('organisation', o.slug,
			'description', r.description, 'amount', r.amount, 'unit', r.unit) ORDER BY r.id)
		FROM svk.proposal_resources r JOIN svk.organisations o ON o.id = r.organisation_id
		WHERE r.proposal_id = p_id), '[]')
	       = coalesce((SELECT jsonb_agg(jsonb_build_object('organisation', l->>'organisation',
			'description', l->>'description', 'amount', (l->>'amount')::numeric,
			'unit', l->>'unit') ORDER BY n)
		FROM jsonb_array_elements(coalesce(p_lines, '[]')) WITH ORDINALITY x(l, n)), '[]')
$$;

-- SPEC §4: who decides each kind.
CREATE OR REPLACE FUNCTION svk.proposal_affected_ids(p svk.proposals) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
	SELECT DISTINCT r.organisation_id FROM svk.proposal_resources r
	JOIN svk.agreement_parties ap ON ap.organisation_id = r.organisation_id
	                              AND ap.agreement_id = p.agreement_id
	WHERE p.kind = 'prioritisation' AND r.proposal_id = p.id
	UNION
	SELECT pl.municipality_id FROM svk.action_plans pl
	WHERE p.kind = 'action_plan' AND pl.id = p.action_plan_id
	UNION
	SELECT i.responsible_organisation_id FROM svk.interventions i
	JOIN svk.agreement_parties ap ON ap.organisation_id = i.responsible_organisation_id
	                              AND ap.agreement_id = p.agreement_id
	WHERE p.kind = 'action_plan' AND i.plan_id = p.action_plan_id
	UNION
	SELECT ap.organisation_id FROM svk.agreement_parties ap
	WHERE p.kind IN ('follow_up', 'extension') AND ap.agreement_id = p.agreement_id
$$;

CREATE OR REPLACE FUNCTION svk.proposal_submit(p_actor bigint, p_id uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	p svk.proposals := svk.proposal_lock(p_id);
BEGIN
	IF p.status <> 'draft' THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('the proposal is %s; only a draft can be submitted', p.status);
	END IF;
	IF p.kind = 'prioritisation' AND NOT EXISTS (
		SELECT 1 FROM svk.proposal_resources WHERE proposal_id = p.id) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'resources',
			MESSAGE = 'a prioritisation needs at least one resource line: what each organisation commits';
	END IF;
	PERFORM svk.proposal_subject_open(p, true);
	DELETE FROM svk.proposal_affected WHERE proposal_id = p.id;
	INSERT INTO svk.proposal_affected (proposal_id, organisation_id)
	SELECT p.id, x FROM svk.proposal_affected_ids(p) x;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'resources',
			MESSAGE = 'no party of the agreement is affected, so nobody could decide';
	END IF;
	UPDATE svk.proposals SET status = 'submitted', submitted_at = now(), updated_at = now()
	WHERE id = p.id RETURNING * INTO p;
	PERFORM svk.audit_write(p_actor, 'proposal.submit', 'proposal', p.id::text, NULL,
	                        svk.proposal_json(p)::jsonb);
	PERFORM svk.notify_submitted(p);
	RETURN svk.proposal_json(p);
END
$$;

CREATE OR REPLACE FUNCTION svk.proposal_withdraw(p_actor bigint, p_id uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	p svk.proposals := svk.proposal_lock(p_id);
BEGIN
	IF p.status NOT IN ('draft', 'submitted') THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('the proposal is %s and can no longer be withdrawn', p.status);
	END IF;
	UPDATE svk.proposals SET status = 'withdrawn', updated_at = now(), decided_at = now()
	WHERE id = p.id RETURNING * INTO p;
	PERFORM svk.audit_write(p_actor, 'proposal.withdraw', 'proposal', p.id::text, NULL,
	                        svk.proposal_json(p)::jsonb);
	RETURN svk.proposal_json(p);
END
$$;

-- What the policy needs to decide whether actor's organisation may decide.
CREATE OR REPLACE FUNCTION svk.decision_context(p_id uuid, p_org text)
RETURNS TABLE (status text, affected boolean, decided boolean)
LANGUAGE sql STABLE AS $$
	SELECT p.status,
	       EXISTS (SELECT 1 FROM svk.proposal_affected a JOIN svk.organisations o
	               ON o.id = a.organisation_id WHERE a.proposal_id = p.id AND o.slug = p_org),
	       EXISTS (SELECT 1 FROM svk.decisions d JOIN svk.organisations o
	               ON o.id = d.organisation_id
	               WHERE d.proposal_id = p.id AND d.round = p.round AND o.slug = p_org)
	FROM svk.proposals p WHERE p.id = p_id
$$;

-- The effect of an approval, in the approving transaction.
CREATE OR REPLACE FUNCTION svk.proposal_apply(p_actor bigint, p svk.proposals) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	v_plan svk.action_plans;
	v_old date;
	v_new date;
BEGIN
	IF p.kind = 'action_plan' THEN
		SELECT * INTO v_plan FROM svk.action_plans WHERE id = p.action_plan_id FOR UPDATE;
		IF v_plan.status = 'adopted' THEN
			RAISE EXCEPTION USING ERRCODE = 'SV409', MESSAGE = 'the action plan is already adopted';
		END IF;
		UPDATE svk.action_plans SET status = 'adopted', adopted_at = now(), updated_at = now()
		WHERE id = v_plan.id;
		INSERT INTO svk.action_plan_versions (plan_id, version, snapshot, adopted_at)
		VALUES (v_plan.id, v_plan.version, svk.plan_snapshot(v_plan.id), now());
		PERFORM svk.audit_write(p_actor, 'action_plan.adopt', 'action_plan', v_plan.id::text,
		                        NULL, jsonb_build_object('version', v_plan.version, 'proposal', p.id));
	ELSIF p.kind = 'follow_up' THEN
		-- The statistics are kept as approved: an incident reported later
		-- for that year does not change the adopted report.
		INSERT INTO svk.follow_ups (agreement_id, year) VALUES (p.agreement_id, p.follow_up_year)
		ON CONFLICT (agreement_id, year) DO NOTHING;
		IF (SELECT status FROM svk.follow_ups WHERE agreement_id = p.agreement_id
		    AND year = p.follow_up_year FOR UPDATE) = 'adopted' THEN
			RAISE EXCEPTION USING ERRCODE = 'SV409',
				MESSAGE = format('the follow-up of %s is already adopted', p.follow_up_year);
		END IF;
		UPDATE svk.follow_ups f SET status = 'adopted', adopted_at = now(), proposal_id = p.id,
			updated_at = now(), statistics = svk.follow_up_stats(a, f.year)::jsonb
		FROM svk.agreements a
		WHERE a.id = f.agreement_id AND f.agreement_id = p.agreement_id
		  AND f.year = p.follow_up_year;
		PERFORM svk.audit_write(p_actor, 'follow_up.adopt', 'follow_up',
		                        p.agreement_id::text || '/' || p.follow_up_year, NULL,
		                        jsonb_build_object('proposal', p.id));
	ELSIF p.kind = 'extension' THEN
		SELECT valid_to INTO v_old FROM svk.agreements WHERE id = p.agreement_id FOR UPDATE;
		IF p.extends_valid_to IS DISTINCT FROM v_old THEN
			RAISE EXCEPTION USING ERRCODE = 'SV409', MESSAGE = format(
				'the agreement''s end moved from %s to %s; this extension can no longer take effect',
				p.extends_valid_to, v_old);
		END IF;
		v_new := (v_old + make_interval(years => p.extension_years))::date;
		UPDATE svk.agreements SET valid_to = v_new WHERE id = p.agreement_id;
		INSERT INTO svk.agreement_extensions (agreement_id, years, old_valid_to, new_valid_to, proposal_id)
		VALUES (p.agreement_id, p.extension_years, v_old, v_new, p.id);
		PERFORM svk.audit_write(p_actor, 'agreement.extend', 'agreement', p.agreement_id::text,
		                        jsonb_build_object('valid_to', v_old),
		                        jsonb_build_object('valid_to', v_new, 'proposal', p.id));
	ELSE
		INSERT INTO svk.priorities (proposal_id, agreement_id) VALUES (p.id, p.agreement_id);
		PERFORM svk.audit_write(p_actor, 'priority.approve', 'proposal', p.id::text, NULL, NULL);
	END IF;
END
$$;

CREATE OR REPLACE FUNCTION svk.proposal_decide(p_actor bigint, p_id uuid, p_verdict text, p_comment text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	p svk.proposals := svk.proposal_lock(p_id);
	v_org bigint;
	v_remaining int;
BEGIN
	SELECT organisation_id INTO v_org FROM svk.users WHERE id = p_actor;
	-- The token was looked up a moment ago; a membership that ended at
	-- midnight, or was removed meanwhile, must not decide.
	IF NOT EXISTS (SELECT 1 FROM svk.memberships m JOIN svk.groups g ON g.id = m.group_id
	               JOIN svk.users u ON u.id = m.user_id
	               WHERE m.user_id = p_actor AND g.tier = 'styrgrupp' AND u.active
	                 AND m.role = 'decision_maker' AND NOT u.admin
	                 AND (m.until IS NULL OR m.until >= svk.today())) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV403',
			MESSAGE = 'requires a decision-maker of the styrgrupp';
	END IF;
	IF p.status <> 'submitted' THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('the proposal is %s; only a submitted proposal is decided', p.status);
	END IF;
	IF NOT EXISTS (SELECT 1 FROM svk.proposal_affected WHERE proposal_id = p.id AND organisation_id = v_org) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV403',
			MESSAGE = 'your organisation is not affected by this proposal';
	END IF;
	BEGIN
		INSERT INTO svk.decisions (proposal_id, round, organisation_id, decided_by, verdict, comment)
		VALUES (p.id, p.round, v_org, p_actor, p_verdict, coalesce(p_comment, ''));
	EXCEPTION WHEN unique_violation THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = 'your organisation has already decided in this round';
	END;
	PERFORM svk.audit_write(p_actor, 'decision.' || p_verdict, 'proposal', p.id::text, NULL,
	                        jsonb_build_object('round', p.round, 'verdict', p_verdict,
	                                           'comment', p_comment));
	IF p_verdict = 'reject' THEN
		UPDATE svk.proposals SET status = 'rejected', decided_at = now(), updated_at = now()
		WHERE id = p.id RETURNING * INTO p;
	ELSIF p_verdict = 'return' THEN
		-- Återremiss: back to draft; this round's decisions stay in the history.
		UPDATE svk.proposals SET status = 'draft', round = round + 1, updated_at = now()
		WHERE id = p.id RETURNING * INTO p;
		PERFORM svk.audit_write(p_actor, 'proposal.return', 'proposal', p.id::text, NULL,
		                        jsonb_build_object('round', p.round));
	ELSE
		SELECT count(*) INTO v_remaining FROM svk.proposal_affected a
		WHERE a.proposal_id = p.id AND NOT EXISTS (
			SELECT 1 FROM svk.decisions d WHERE d.proposal_id = p.id AND d.round = p.round
			AND d.organisation_id = a.organisation_id AND d.verdict = 'approve');
		IF v_remaining = 0 THEN
			UPDATE svk.proposals SET status = 'approved', decided_at = now(), updated_at = now()
			WHERE id = p.id RETURNING * INTO p;
			PERFORM svk.proposal_apply(p_actor, p);
			PERFORM svk.audit_write(p_actor, 'proposal.approve', 'proposal', p.id::text, NULL,
			                        svk.proposal_json(p)::jsonb);
		END IF;
	END IF;
	PERFORM svk.notify_decided(p, v_org, p_verdict);
	RETURN svk.proposal_json(p);
END
$$;

-- On submission: the lock on what the proposal would adopt (a follow-up
-- nobody has written yet gets its empty draft row, so that there is a row
-- to lock and the first edit waits as well).
CREATE OR REPLACE FUNCTION svk.proposals_lock_subject() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.kind = 'action_plan' THEN
		PERFORM 1 FROM svk.action_plans WHERE id = NEW.action_plan_id FOR UPDATE;
	ELSIF NEW.kind = 'follow_up' THEN
		INSERT INTO svk.follow_ups (agreement_id, year) VALUES (NEW.agreement_id, NEW.follow_up_year)
		ON CONFLICT (agreement_id, year) DO NOTHING;
		PERFORM 1 FROM svk.follow_ups
		WHERE agreement_id = NEW.agreement_id AND year = NEW.follow_up_year FOR UPDATE;
	END IF;
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER proposals_lock_subject BEFORE UPDATE OF status ON svk.proposals
FOR EACH ROW WHEN (NEW.status = 'submitted' AND OLD.status IS DISTINCT FROM 'submitted')
EXECUTE FUNCTION svk.proposals_lock_subject();

GRANT EXECUTE ON FUNCTION
	svk.proposal_json(svk.proposals),
	svk.proposal_set_resources(uuid, jsonb),
	svk.proposal_check(svk.proposals),
	svk.proposal_subject_open(svk.proposals, boolean),
	svk.proposal_resources_same(uuid, jsonb),
	svk.proposal_create(bigint, jsonb),
	svk.proposal_lock(uuid),
	svk.proposal_patch(bigint, uuid, jsonb, text),
	svk.proposal_affected_ids(svk.proposals),
	svk.proposal_submit(bigint, uuid),
	svk.proposal_withdraw(bigint, uuid),
	svk.decision_context(uuid, text),
	svk.proposal_apply(bigint, svk.proposals),
	svk.proposal_decide(bigint, uuid, text, text)
	TO samverkan_app;
