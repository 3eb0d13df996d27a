-- The yearly follow-up: its texts, the statistics computed from the data
-- whenever a draft is read (an adopted one shows those stored at its
-- adoption), and the freeze of its texts while a follow_up proposal awaits
-- the decision makers (as for a plan, see plans.sql).

-- The years an agreement ran (from valid_from's year to valid_to's).
CREATE OR REPLACE FUNCTION svk.follow_up_year_check(a svk.agreements, p_year int) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF p_year NOT BETWEEN extract(year FROM a.valid_from) AND extract(year FROM a.valid_to) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'year',
			MESSAGE = format('the agreement runs %s to %s; %s is outside it',
			                 a.valid_from, a.valid_to, p_year);
	END IF;
END
$$;

-- The statistics of one agreement's year: SPEC §2's "generated statistics".
CREATE OR REPLACE FUNCTION svk.follow_up_stats(a svk.agreements, p_year int) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_from date := make_date(p_year, 1, 1);
	v_to date := make_date(p_year, 12, 31);
	v_t0 timestamptz := make_date(p_year, 1, 1)::timestamp AT TIME ZONE 'Europe/Stockholm';
	v_t1 timestamptz := make_date(p_year + 1, 1, 1)::timestamp AT TIME ZONE 'Europe/Stockholm';
	v_p0 timestamptz := make_date(p_year - 1, 1, 1)::timestamp AT TIME ZONE 'Europe/Stockholm';
	-- EST meets weekly: the ISO weeks of the year that have begun and that
	-- the agreement ran in.
	v_weeks int := (SELECT count(*) FROM generate_series(
		date_trunc('week', make_date(p_year, 1, 4)::timestamp),
		make_date(p_year, 12, 31)::timestamp, interval '7 days') g
		WHERE extract(isoyear FROM g) = p_year AND g::date <= svk.today()
		  AND g::date + 6 >= a.valid_from AND g::date <= a.valid_to);
BEGIN
	RETURN (
	WITH iv AS (
		SELECT i.*, o.slug AS municipality, f.ordinal, f.title AS focus_title,
		       (i.status NOT IN ('done', 'cancelled') AND i.due_on <= v_to
		        AND i.due_on < svk.today()) AS is_overdue,
		       -- The hours as they stood when the year ended: those an update
		       -- reported later belong to a later year.
		       i.hours_spent - coalesce((SELECT sum(u.hours) FROM svk.intervention_updates u
		                                 WHERE u.intervention_id = i.id AND u.created_at >= v_t1), 0)
		           AS hours_by_year_end
		FROM svk.interventions i
		JOIN svk.action_plans p ON p.id = i.plan_id
		JOIN svk.organisations o ON o.id = p.municipality_id
		JOIN svk.focus_areas f ON f.id = i.focus_area_id
		WHERE p.agreement_id = a.id
		  AND (i.starts_on IS NULL OR i.starts_on <= v_to)
		  AND (i.due_on IS NULL OR i.due_on >= v_from)),
	ivrows AS (
		SELECT municipality, ordinal, focus_title, count(*) AS total,
		       count(*) FILTER (WHERE status = 'planned') AS planned,
		       count(*) FILTER (WHERE status = 'ongoing') AS ongoing,
		       count(*) FILTER (WHERE status = 'done') AS done,
		       count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
		       count(*) FILTER (WHERE rag = 'green') AS green,
		       count(*) FILTER (WHERE rag = 'yellow') AS yellow,
		       count(*) FILTER (WHERE rag = 'red') AS red,
		       count(*) FILTER (WHERE is_overdue) AS overdue,
		       coalesce(sum(hours_by_year_end), 0) AS hours
		FROM iv GROUP BY municipality, ordinal, focus_title),
	upd AS (
		SELECT count(*) AS logged, count(*) FILTER (WHERE u.communicated) AS communicated,
		       coalesce(sum(u.hours), 0) AS hours
		FROM svk.intervention_updates u
		JOIN svk.interventions i ON i.id = u.intervention_id
		JOIN svk.action_plans p ON p.id = i.plan_id
		WHERE p.agreement_id = a.id AND u.created_at >= v_t0 AND u.created_at < v_t1),
	mt AS (
		SELECT g.slug, g.name, g.tier,
		       (SELECT count(*) FROM svk.meetings m WHERE m.group_id = g.id
		        AND m.held_on BETWEEN v_from AND v_to) AS held,
		       CASE g.tier WHEN 'arbetsgrupp' THEN v_weeks WHEN 'styrgrupp' THEN 1 END AS expected
		FROM svk.groups g),
	inc AS (
		SELECT o.slug AS municipality, c.slug AS category,
		       count(*) FILTER (WHERE i.occurred_at >= v_t0) AS count,
		       count(*) FILTER (WHERE i.occurred_at < v_t0) AS previous_year
		FROM svk.incidents i
		JOIN svk.organisations o ON o.id = i.municipality_id
		JOIN svk.incident_categories c ON c.id = i.category_id
		WHERE i.occurred_at >= v_p0 AND i.occurred_at < v_t1
		GROUP BY o.slug, c.slug),
	dec AS (
		SELECT count(*) FILTER (WHERE p.status = 'approved') AS approved,
		       count(*) FILTER (WHERE p.status = 'rejected') AS rejected
		FROM svk.proposals p
		WHERE p.agreement_id = a.id AND p.decided_at >= v_t0 AND p.decided_at < v_t1)
	SELECT json_build_object(
		'year', p_year,
		'interventions', (SELECT json_build_object(
			'total', coalesce(sum(total), 0), 'planned', coalesce(sum(planned), 0),
			'ongoing', coalesce(sum(ongoing), 0), 'done', coalesce(sum(done), 0),
			'cancelled', coalesce(sum(cancelled), 0), 'green', coalesce(sum(green), 0),
			'yellow', coalesce(sum(yellow), 0), 'red', coalesce(sum(red), 0),
			'overdue', coalesce(sum(overdue), 0), 'hours', coalesce(sum(hours), 0),
			'rows', coalesce(json_agg(json_build_object(
				'municipality', municipality, 'focus_area', ordinal,
				'focus_area_title', focus_title, 'total', total, 'planned', planned,
				'ongoing', ongoing, 'done', done, 'cancelled', cancelled, 'green', green,
				'yellow', yellow, 'red', red, 'overdue', overdue, 'hours', hours)
				ORDER BY municipality, ordinal), '[]'))
			FROM ivrows),
		'updates', (SELECT json_build_object('logged', logged, 'communicated', communicated,
		                                     'hours', hours) FROM upd),
		'meetings', (SELECT json_agg(json_build_object('group', slug, 'name', name, 'tier', tier,
		                                               'held', held, 'expected', expected)
		                             ORDER BY CASE tier WHEN 'styrgrupp' THEN 1
		                                      WHEN 'beredningsgrupp' THEN 2 ELSE 3 END, slug)
		             FROM mt),
		'incidents', (SELECT json_build_object(
			'total', coalesce(sum(count), 0), 'previous_year', coalesce(sum(previous_year), 0),
			'rows', coalesce(json_agg(json_build_object(
				'municipality', municipality, 'category', category, 'count', count,
				'previous_year', previous_year, 'change', count - previous_year)
				ORDER BY municipality, category), '[]'))
			FROM inc),
		'proposals', (SELECT json_build_object(
			'approved', approved, 'rejected', rejected,
			'returned', (SELECT count(*) FROM svk.decisions d
			             JOIN svk.proposals p ON p.id = d.proposal_id
			             WHERE p.agreement_id = a.id AND d.verdict = 'return'
			               AND d.decided_at >= v_t0 AND d.decided_at < v_t1),
			'extensions_applied', (SELECT count(*) FROM svk.agreement_extensions x
			                       WHERE x.agreement_id = a.id
			                         AND x.applied_at >= v_t0 AND x.applied_at < v_t1))
			FROM dec)));
END
$$;

CREATE OR REPLACE FUNCTION svk.follow_up_json(a svk.agreements, p_year int) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'agreement', a.id, 'year', p_year,
		'collaboration', coalesce(f.collaboration, ''),
		'implementation', coalesce(f.implementation, ''),
		'results', coalesce(f.results, ''), 'oral', coalesce(f.oral, false),
		'status', coalesce(f.status, 'draft'), 'adopted_at', svk.ts(f.adopted_at),
		'proposal', f.proposal_id, 'created_at', svk.ts(f.created_at),
		'updated_at', svk.ts(f.updated_at),
		'statistics', CASE WHEN f.status = 'adopted' AND f.statistics IS NOT NULL
		                   THEN f.statistics::json ELSE svk.follow_up_stats(a, p_year) END)
	FROM (SELECT 1) x
	LEFT JOIN svk.follow_ups f ON f.agreement_id = a.id AND f.year = p_year
$$;

-- The follow-up as read; NULL when there is no such agreement.
CREATE OR REPLACE FUNCTION svk.follow_up_get(p_agreement uuid, p_year int) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	a svk.agreements;
BEGIN
	SELECT * INTO a FROM svk.agreements WHERE id = p_agreement;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	PERFORM svk.follow_up_year_check(a, p_year);
	RETURN svk.follow_up_json(a, p_year);
END
$$;

CREATE OR REPLACE FUNCTION svk.small_count(v jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN jsonb_typeof(v) = 'number' AND (v::text)::numeric < 3
	            THEN to_jsonb('<3'::text) ELSE v END
$$;

-- The follow-up as a reader sees it. A reader whose organisation is not a
-- party sees the incident counts as the situation picture shows them: below
-- 3 as "<3", the change only where both years are shown (SPEC §6).
CREATE OR REPLACE FUNCTION svk.follow_up_for(p_doc json, p_party boolean) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN p_doc IS NULL OR p_party THEN p_doc ELSE (
		WITH inc AS (SELECT p_doc::jsonb->'statistics'->'incidents' AS i),
		rows AS (
			SELECT coalesce(jsonb_agg(r || jsonb_build_object(
				'count', svk.small_count(r->'count'),
				'previous_year', svk.small_count(r->'previous_year'),
				'change', CASE WHEN (r->>'count')::bigint < 3
				                 OR (r->>'previous_year')::bigint < 3
				               THEN 'null'::jsonb ELSE r->'change' END)
				ORDER BY n), '[]') AS a
			FROM inc, jsonb_array_elements(inc.i->'rows') WITH ORDINALITY x(r, n))
		SELECT jsonb_set(p_doc::jsonb, '{statistics,incidents}',
			inc.i || jsonb_build_object('total', svk.small_count(inc.i->'total'),
			                            'previous_year', svk.small_count(inc.i->'previous_year'),
			                            'rows', rows.a))::json
		FROM inc, rows) END
$$;

-- The texts without the statistics: what the ETag and If-Match cover (the
-- statistics change with the data, which must not make an edit stale) and
-- what the audit entry records.
CREATE OR REPLACE FUNCTION svk.follow_up_texts(f svk.follow_ups) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object('collaboration', f.collaboration, 'implementation', f.implementation,
	                          'results', f.results, 'oral', f.oral, 'status', f.status)
$$;

CREATE OR REPLACE FUNCTION svk.follow_up_etag(p_agreement uuid, p_year int) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT svk.etag(jsonb_build_object(
		'collaboration', coalesce(f.collaboration, ''),
		'implementation', coalesce(f.implementation, ''), 'results', coalesce(f.results, ''),
		'oral', coalesce(f.oral, false), 'status', coalesce(f.status, 'draft'))::json)
	FROM (SELECT 1) x
	LEFT JOIN svk.follow_ups f ON f.agreement_id = p_agreement AND f.year = p_year
$$;

CREATE OR REPLACE FUNCTION svk.follow_up_put(p_actor bigint, p_agreement uuid, p_year int, b jsonb,
                                  p_if_match text) RETURNS TABLE (doc json, etag text)
LANGUAGE plpgsql AS $$
DECLARE
	a svk.agreements;
	f svk.follow_ups;
	v_before jsonb;
BEGIN
	SELECT * INTO a FROM svk.agreements WHERE id = p_agreement;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV404', MESSAGE = 'no such agreement';
	END IF;
	PERFORM svk.follow_up_year_check(a, p_year);
	INSERT INTO svk.follow_ups (agreement_id, year) VALUES (a.id, p_year)
	ON CONFLICT (agreement_id, year) DO NOTHING;
	SELECT * INTO f FROM svk.follow_ups WHERE agreement_id = a.id AND year = p_year FOR UPDATE;
	IF p_if_match IS NOT NULL AND p_if_match <> svk.follow_up_etag(a.id, p_year) THEN
		RAISE EXCEPTION USING ERRCODE = 'SV412',
			MESSAGE = 'the follow-up has changed since you read it (If-Match does not match); read it again';
	END IF;
	IF f.status = 'adopted' THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('the follow-up of %s is adopted and read-only', p_year);
	END IF;
	v_before := svk.follow_up_texts(f);
	IF b ? 'collaboration' THEN f.collaboration := coalesce(b->>'collaboration', ''); END IF;
	IF b ? 'implementation' THEN f.implementation := coalesce(b->>'implementation', ''); END IF;
	IF b ? 'results' THEN f.results := coalesce(b->>'results', ''); END IF;
	IF b ? 'oral' THEN f.oral := (b->>'oral')::boolean; END IF;
	-- An edit that changes nothing writes nothing (no audit entry either).
	IF svk.follow_up_texts(f) = v_before THEN
		RETURN QUERY SELECT svk.follow_up_json(a, p_year), svk.follow_up_etag(a.id, p_year);
		RETURN;
	END IF;
	UPDATE svk.follow_ups SET collaboration = f.collaboration, implementation = f.implementation,
		results = f.results, oral = f.oral, updated_at = now()
	WHERE agreement_id = a.id AND year = p_year;
	PERFORM svk.audit_write(p_actor, 'follow_up.update', 'follow_up', a.id::text || '/' || p_year,
	                        v_before, svk.follow_up_texts(f));
	RETURN QUERY SELECT svk.follow_up_json(a, p_year), svk.follow_up_etag(a.id, p_year);
END
$$;

-- The submitted proposal that would adopt the year's follow-up, or NULL.
CREATE OR REPLACE FUNCTION svk.follow_up_proposal_pending(p_agreement uuid, p_year int)
RETURNS svk.proposals
LANGUAGE sql STABLE AS $$
	SELECT * FROM svk.proposals
	WHERE kind = 'follow_up' AND agreement_id = p_agreement AND follow_up_year = p_year
	  AND status = 'submitted'
	LIMIT 1
$$;

CREATE OR REPLACE FUNCTION svk.follow_ups_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	p svk.proposals := svk.follow_up_proposal_pending(NEW.agreement_id, NEW.year);
BEGIN
	IF p.id IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('the follow-up of %s awaits the styrgrupp''s decision on proposal %s (%s); '
			                 'withdraw the proposal or have it returned to change the text',
			                 NEW.year, p.id, p.title);
	END IF;
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER follow_ups_frozen BEFORE UPDATE ON svk.follow_ups
FOR EACH ROW WHEN ((OLD.collaboration, OLD.implementation, OLD.results, OLD.oral)
                   IS DISTINCT FROM (NEW.collaboration, NEW.implementation, NEW.results, NEW.oral))
EXECUTE FUNCTION svk.follow_ups_frozen();
