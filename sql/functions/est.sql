-- EST: the weekly incident rollups kept by statement triggers, incidents,
-- retention, the situation picture, meetings and the compliance findings
-- of SPEC §5. Weeks are ISO weeks in Swedish time, stored as the date of
-- their Monday (svk.week_of, which the incidents table's week column is
-- computed with, is in 0004_est.sql).

CREATE OR REPLACE FUNCTION svk.week_label(d date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT to_char(d, 'IYYY-"W"IW')
$$;

-- Rows are added in key order, so that two batches touching the same
-- weeks lock them in the same order and never deadlock.
CREATE OR REPLACE FUNCTION svk.incident_weeks_add() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO svk.incident_week_categories AS w (municipality_id, week, category_id, n)
	SELECT municipality_id, week, category_id, count(*)
	FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
	ON CONFLICT (municipality_id, week, category_id) DO UPDATE SET n = w.n + excluded.n;
	INSERT INTO svk.incident_week_places AS w (municipality_id, week, place, n)
	SELECT municipality_id, week, place, count(*)
	FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
	ON CONFLICT (municipality_id, week, place) DO UPDATE SET n = w.n + excluded.n;
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION svk.incident_weeks_remove() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	WITH d AS (
		SELECT municipality_id, week, category_id, count(*) AS c
		FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3)
	UPDATE svk.incident_week_categories w SET n = w.n - d.c FROM d
	WHERE w.municipality_id = d.municipality_id AND w.week = d.week
	  AND w.category_id = d.category_id;
	WITH d AS (
		SELECT municipality_id, week, place, count(*) AS c
		FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3)
	UPDATE svk.incident_week_places w SET n = w.n - d.c FROM d
	WHERE w.municipality_id = d.municipality_id AND w.week = d.week AND w.place = d.place;
	DELETE FROM svk.incident_week_categories w
	USING (SELECT DISTINCT municipality_id, week FROM old_rows) d
	WHERE w.municipality_id = d.municipality_id AND w.week = d.week AND w.n = 0;
	DELETE FROM svk.incident_week_places w
	USING (SELECT DISTINCT municipality_id, week FROM old_rows) d
	WHERE w.municipality_id = d.municipality_id AND w.week = d.week AND w.n = 0;
	RETURN NULL;
END
$$;

-- A report is a record: it is not changed afterwards (a correction is a
-- new report), so the rollup never has to follow an update.
CREATE OR REPLACE FUNCTION svk.incident_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION USING ERRCODE = 'SV409',
		MESSAGE = 'an incident report is not changed once stored';
END
$$;

CREATE OR REPLACE TRIGGER incidents_rollup_insert AFTER INSERT ON svk.incidents
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION svk.incident_weeks_add();

CREATE OR REPLACE TRIGGER incidents_rollup_delete AFTER DELETE ON svk.incidents
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION svk.incident_weeks_remove();

CREATE OR REPLACE TRIGGER incidents_no_update BEFORE UPDATE ON svk.incidents
	FOR EACH ROW EXECUTE FUNCTION svk.incident_immutable();

CREATE OR REPLACE FUNCTION svk.incident_json(i svk.incidents) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', i.id, 'occurred_at', svk.ts(i.occurred_at), 'week', svk.week_label(i.week),
		'municipality', (SELECT slug FROM svk.organisations WHERE id = i.municipality_id),
		'place', i.place, 'latitude', i.latitude, 'longitude', i.longitude,
		'category', (SELECT slug FROM svk.incident_categories WHERE id = i.category_id),
		'description', i.description, 'external_id', i.external_id,
		'source_organisation', (SELECT slug FROM svk.organisations WHERE id = i.source_organisation_id),
		'reported_by', (SELECT username FROM svk.users WHERE id = i.reported_by),
		'reported_at', svk.ts(i.reported_at))
$$;

-- A meeting's ISO week under the name SPEC §2 gives it, "iso_week", next
-- to "week" (the name incidents use for theirs).
CREATE OR REPLACE FUNCTION svk.meeting_json(m svk.meetings) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', m.id, 'group', (SELECT slug FROM svk.groups WHERE id = m.group_id),
		'held_on', m.held_on, 'week', svk.week_label(m.held_on),
		'iso_week', svk.week_label(m.held_on),
		'attendees', coalesce((SELECT json_agg(o.slug ORDER BY o.slug)
		                       FROM svk.meeting_attendees a
		                       JOIN svk.organisations o ON o.id = a.organisation_id
		                       WHERE a.meeting_id = m.id), '[]'),
		'minutes', m.minutes, 'decisions', to_json(m.decisions),
		'focus_places', to_json(m.focus_places),
		'recorded_by', (SELECT username FROM svk.users WHERE id = m.recorded_by),
		'created_at', svk.ts(m.created_at))
$$;

-- An RFC 3339 time with an offset as given; one without is Swedish time.
CREATE OR REPLACE FUNCTION svk.incident_time(p text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN p ~ '([Zz]|[+-][0-9]{2}:[0-9]{2})$' THEN p::timestamptz
	            ELSE p::timestamp AT TIME ZONE 'Europe/Stockholm' END
$$;

-- "items[3].category" for an item of a batch, "category" for one incident.
CREATE OR REPLACE FUNCTION svk.item_field(p_single boolean, p_i bigint, p_field text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN p_single THEN p_field ELSE format('items[%s].%s', p_i, p_field) END
$$;

-- The rows a batch would store, in the order sent (i from 1): what
-- identifies each (its external_id, or else its content_sha256, see
-- migration 0010), and whether it is the first item of the batch with that
-- identity. The items' references have been checked.
CREATE OR REPLACE FUNCTION svk.incident_batch(p_items jsonb)
RETURNS TABLE (i bigint, occurred_at timestamptz, municipality_id bigint, place text,
               latitude float8, longitude float8, category_id smallint, description text,
               external_id text, content_sha256 bytea, is_first boolean)
LANGUAGE sql STABLE AS $$
	SELECT x.*, row_number() OVER (PARTITION BY coalesce('e:' || x.ext, 'h:' || encode(x.sha, 'hex'))
	                               ORDER BY x.i) = 1
	FROM (SELECT b.*, CASE WHEN b.ext IS NULL THEN
	                  svk.incident_content_sha256(b.mun, b.t, b.place, b.cat, b.descr) END AS sha
	      FROM (SELECT e.i, svk.incident_time(e.v->>'occurred_at') AS t, m.id AS mun,
	                   btrim(e.v->>'place') AS place, (e.v->>'latitude')::float8 AS lat,
	                   (e.v->>'longitude')::float8 AS lon, c.id AS cat,
	                   coalesce(e.v->>'description', '') AS descr, e.v->>'external_id' AS ext
	            FROM jsonb_array_elements(p_items) WITH ORDINALITY e(v, i)
	            JOIN svk.organisations m ON m.slug = e.v->>'municipality'
	            JOIN svk.incident_categories c ON c.slug = e.v->>'category') b) x
	ORDER BY x.i
$$;

-- Stores every item of p_items (the daemon has checked their shapes and
-- the actor's right for each municipality) or none: the references and
-- times of all items are checked first, and every bad one is listed in
-- the error's DETAIL as a JSON array of {field, message}.
--
-- An item the source organisation has already stored — the same
-- external_id, or without one the same content (migration 0010) — is not
-- stored again, also not when it comes twice in one batch or from two
-- imports at once (ON CONFLICT DO NOTHING on the unique indexes): a batch
-- answers per item whether it was stored now or was already there, with
-- the id of the stored incident either way; one incident answers with the
-- stored incident and "already_stored" true when it was there (the daemon
-- takes that member off and answers 200).
CREATE OR REPLACE FUNCTION svk.incidents_create(p_actor bigint, p_items jsonb, p_single boolean)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_errors jsonb;
	v_org bigint;
	v_ids uuid[];
	v_items json;
	v_stored int;
	v_out json;
BEGIN
	SELECT organisation_id INTO v_org FROM svk.users WHERE id = p_actor;
	WITH items AS (
		SELECT e.v, e.i - 1 AS i, svk.incident_time(e.v->>'occurred_at') AS t
		FROM jsonb_array_elements(p_items) WITH ORDINALITY e(v, i))
	SELECT jsonb_agg(x.err ORDER BY x.i, x.f) INTO v_errors FROM (
		SELECT i, 1 AS f, jsonb_build_object('field', svk.item_field(p_single, i, 'occurred_at'),
			'message', 'must not be in the future') AS err
		FROM items WHERE t > now() + interval '5 minutes'
		UNION ALL
		SELECT i, 1, jsonb_build_object('field', svk.item_field(p_single, i, 'occurred_at'),
			'message', 'must be in the year 2000 or later')
		FROM items WHERE t < '2000-01-01T00:00:00+01'
		UNION ALL
		SELECT i, 2, jsonb_build_object('field', svk.item_field(p_single, i, 'municipality'),
			'message', format('no municipality with slug "%s"', v->>'municipality'))
		FROM items WHERE NOT EXISTS (SELECT 1 FROM svk.organisations o
		                             WHERE o.slug = v->>'municipality' AND o.kind = 'municipality')
		UNION ALL
		SELECT i, 3, jsonb_build_object('field', svk.item_field(p_single, i, 'category'),
			'message', format('no incident category "%s" (see GET /v1/incident-categories)',
			                  v->>'category'))
		FROM items WHERE NOT EXISTS (SELECT 1 FROM svk.incident_categories c
		                             WHERE c.slug = v->>'category')) x;
	IF v_errors IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', DETAIL = v_errors::text,
			MESSAGE = CASE WHEN p_single THEN 'the incident was refused'
			               ELSE 'some incidents were refused; none of the batch was stored' END;
	END IF;

	-- In the order sent, so that of two items that are one incident the
	-- first is stored.
	WITH ins AS (
		INSERT INTO svk.incidents (occurred_at, municipality_id, place, latitude, longitude,
		                           category_id, description, source_organisation_id, reported_by,
		                           external_id, content_sha256)
		SELECT b.occurred_at, b.municipality_id, b.place, b.latitude, b.longitude,
		       b.category_id, b.description, v_org, p_actor, b.external_id, b.content_sha256
		FROM svk.incident_batch(p_items) b WHERE b.is_first ORDER BY b.i
		ON CONFLICT DO NOTHING
		RETURNING id, seq)
	SELECT coalesce(array_agg(id ORDER BY seq), '{}') INTO v_ids FROM ins;
	v_stored := cardinality(v_ids);

	-- Each item's incident: the one just stored, or the one there before
	-- (a new statement, so one another import committed meanwhile is seen).
	-- A batch answers with the ids only: building the full representation
	-- of 1000 incidents cost as much as storing them.
	SELECT json_agg(json_build_object('id', s.id,
	                                  'already_stored', NOT (b.is_first AND s.id = ANY (v_ids)))
	                ORDER BY b.i)
	INTO v_items
	FROM svk.incident_batch(p_items) b,
	LATERAL (SELECT CASE WHEN b.external_id IS NULL THEN
	                  (SELECT x.id FROM svk.incidents x
	                   WHERE x.source_organisation_id = v_org AND x.external_id IS NULL
	                     AND x.content_sha256 = b.content_sha256)
	                ELSE
	                  (SELECT x.id FROM svk.incidents x
	                   WHERE x.source_organisation_id = v_org
	                     AND x.external_id = b.external_id) END AS id) s;

	IF p_single THEN
		SELECT svk.incident_json(i) INTO v_out FROM svk.incidents i
		WHERE i.id = (v_items->0->>'id')::uuid;
		IF v_stored = 0 THEN
			RETURN (v_out::jsonb || '{"already_stored": true}')::json;
		END IF;
		-- The log is append-only and outlives retention: it keeps what
		-- proves the incident (category, municipality, week and a hash of
		-- the whole), never its place, coordinates or description.
		PERFORM svk.audit_write(p_actor, 'incident.create', 'incident', v_ids[1]::text, NULL,
		                        jsonb_build_object('id', v_ids[1],
		                                           'category', v_out->>'category',
		                                           'municipality', v_out->>'municipality',
		                                           'week', v_out->>'week',
		                                           'content_sha256',
		                                           encode(sha256(convert_to(v_out::text, 'UTF8')), 'hex')));
		RETURN v_out;
	END IF;
	PERFORM svk.audit_write(p_actor, 'incident.create', 'incident', NULL, NULL,
	                        jsonb_build_object('count', v_stored, 'ids', to_jsonb(v_ids),
	                                           'already_stored', json_array_length(v_items) - v_stored));
	RETURN json_build_object('count', v_stored,
	                         'already_stored', json_array_length(v_items) - v_stored,
	                         'items', v_items);
END
$$;

-- Retention (gallring). The run's audit entry is written first, with the
-- cut-off and the number of incidents it will delete; the batches then
-- delete exactly those (occurred before the cut-off, reported before the
-- entry), so nothing is ever deleted without its entry.
CREATE OR REPLACE FUNCTION svk.incident_purge_start(p_years int, p_dry_run boolean)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_cutoff timestamptz := (date_trunc('day', now() AT TIME ZONE 'Europe/Stockholm')
	                         - make_interval(years => p_years)) AT TIME ZONE 'Europe/Stockholm';
	v_at timestamptz := clock_timestamp();
	v_count bigint;
BEGIN
	SELECT count(*) INTO v_count FROM svk.incidents
	WHERE occurred_at < v_cutoff AND reported_at <= v_at;
	IF NOT p_dry_run AND v_count > 0 THEN
		PERFORM svk.audit_write(NULL, 'incident.purge', 'incident', NULL, NULL,
			jsonb_build_object('retention_years', p_years, 'cutoff', svk.ts(v_cutoff),
			                   'count', v_count));
	END IF;
	RETURN json_build_object('cutoff', svk.ts(v_cutoff), 'reported_before', v_at,
	                         'count', v_count);
END
$$;

CREATE OR REPLACE FUNCTION svk.incident_purge_batch(p_cutoff timestamptz, p_reported_before timestamptz,
                                         p_limit int) RETURNS bigint
LANGUAGE sql AS $$
	WITH d AS (
		DELETE FROM svk.incidents WHERE id IN (
			SELECT id FROM svk.incidents
			WHERE occurred_at < p_cutoff AND reported_at <= p_reported_before
			ORDER BY occurred_at LIMIT p_limit)
		RETURNING 1)
	SELECT count(*) FROM d
$$;

-- The situation picture of one municipality and week (the Monday), from
-- the rollup: the week, the four before it for the averages and twelve for
-- the trend. p_suppress: the viewer is of a non-party organisation, so a
-- place with fewer than 3 incidents shows "<3" (SPEC §6).
CREATE OR REPLACE FUNCTION svk.situation(p_municipality text, p_week date, p_suppress boolean)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_mun bigint;
	v_week date := coalesce(p_week, svk.week_of(now()) - 7);
BEGIN
	SELECT id INTO v_mun FROM svk.organisations
	WHERE slug = p_municipality AND kind = 'municipality';
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'municipality',
			MESSAGE = format('no municipality with slug "%s"', p_municipality);
	END IF;
	RETURN (
		WITH w AS (
			SELECT week, category_id, n FROM svk.incident_week_categories
			WHERE municipality_id = v_mun AND week BETWEEN v_week - 77 AND v_week),
		cats AS (
			SELECT c.slug, c.name,
			       coalesce(sum(w.n) FILTER (WHERE w.week = v_week), 0) AS count,
			       round(coalesce(sum(w.n) FILTER (WHERE w.week >= v_week - 28
			                                      AND w.week < v_week), 0) / 4.0, 2) AS prev
			FROM svk.incident_categories c LEFT JOIN w ON w.category_id = c.id
			GROUP BY c.id),
		hot AS (
			SELECT place, n AS count, row_number() OVER (
				ORDER BY CASE WHEN p_suppress AND n < 3 THEN 1 ELSE 0 END,
				         CASE WHEN p_suppress AND n < 3 THEN 0 ELSE n END DESC,
				         place) AS rank
			FROM svk.incident_week_places
			WHERE municipality_id = v_mun AND week = v_week AND n > 0),
		weeks AS (
			SELECT week, sum(n) AS count FROM w GROUP BY week),
		trend AS (
			SELECT g::date AS week, coalesce(x.count, 0) AS count
			FROM generate_series(v_week - 77, v_week, interval '7 days') g
			LEFT JOIN weeks x ON x.week = g::date)
		SELECT json_build_object(
			'municipality', p_municipality, 'week', svk.week_label(v_week),
			'from', v_week, 'to', v_week + 6,
			'total', (SELECT coalesce(sum(count), 0) FROM cats),
			'previous_average', (SELECT round(coalesce(sum(n), 0) / 4.0, 2) FROM w
			                     WHERE week >= v_week - 28 AND week < v_week),
			'suppressed', p_suppress,
			'categories', (SELECT json_agg(json_build_object(
				'category', slug, 'name', name, 'count', count, 'previous_average', prev,
				'change', count - prev,
				'change_percent', CASE WHEN prev > 0 THEN round((count - prev) * 100 / prev, 1) END)
				ORDER BY count DESC, slug) FROM cats),
			'hotspots', coalesce((SELECT json_agg(json_build_object(
				'place', place,
				'count', CASE WHEN p_suppress AND count < 3 THEN to_json('<3'::text)
				              ELSE to_json(count) END) ORDER BY rank)
				FROM hot WHERE rank <= 10), '[]'),
			'trend', (SELECT json_agg(json_build_object('week', svk.week_label(week),
			                                            'count', count) ORDER BY week)
			          FROM trend)));
END
$$;

CREATE OR REPLACE FUNCTION svk.meeting_create(p_actor bigint, p jsonb) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	m svk.meetings;
	v_errors jsonb;
BEGIN
	SELECT id INTO m.group_id FROM svk.groups WHERE slug = p->>'group';
	IF NOT FOUND THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'group',
			MESSAGE = format('no group with slug "%s"', p->>'group');
	END IF;
	IF (p->>'held_on')::date > svk.today() THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', COLUMN = 'held_on',
			MESSAGE = 'must not be in the future';
	END IF;
	SELECT jsonb_agg(jsonb_build_object('field', format('attendees[%s]', e.i - 1),
		'message', format('no organisation with slug "%s"', e.s)) ORDER BY e.i) INTO v_errors
	FROM jsonb_array_elements_text(coalesce(p->'attendees', '[]')) WITH ORDINALITY e(s, i)
	WHERE NOT EXISTS (SELECT 1 FROM svk.organisations o WHERE o.slug = e.s);
	IF v_errors IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV422', DETAIL = v_errors::text,
			MESSAGE = 'an attendee is not a known organisation';
	END IF;
	BEGIN
		INSERT INTO svk.meetings (group_id, held_on, minutes, decisions, focus_places, recorded_by)
		VALUES (m.group_id, (p->>'held_on')::date, coalesce(p->>'minutes', ''),
		        ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'decisions', '[]'))),
		        ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'focus_places', '[]'))),
		        p_actor)
		RETURNING * INTO m;
	EXCEPTION WHEN unique_violation THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('a meeting of %s on %s is already recorded', p->>'group', p->>'held_on');
	END;
	INSERT INTO svk.meeting_attendees (meeting_id, organisation_id)
	SELECT DISTINCT m.id, o.id FROM jsonb_array_elements_text(coalesce(p->'attendees', '[]')) e(s)
	JOIN svk.organisations o ON o.slug = e.s;
	PERFORM svk.audit_write(p_actor, 'meeting.create', 'meeting', m.id::text, NULL,
	                        svk.meeting_json(m)::jsonb);
	RETURN svk.meeting_json(m);
END
$$;

-- Compliance findings of SPEC §5 for one agreement, as of today. NULL when
-- there is no such agreement.
CREATE OR REPLACE FUNCTION svk.compliance(p_agreement uuid) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	a svk.agreements;
	v_today date := svk.today();
	v_last_week date := svk.week_of(now()) - 7;
	v_last_year int := extract(year FROM svk.today())::int - 1;
	v_findings json;
BEGIN
	SELECT * INTO a FROM svk.agreements WHERE id = p_agreement;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	WITH f AS (
		SELECT 1 AS ord, 'agreement_expiring' AS code, 'high' AS severity,
		       format('The agreement expires on %s, in %s days, and no extension has been approved. '
		              '%s', a.valid_to, a.valid_to - v_today,
		              CASE WHEN EXISTS (SELECT 1 FROM svk.proposals p WHERE p.agreement_id = a.id
		                                AND p.kind = 'extension' AND p.status = 'submitted')
		                   THEN 'An extension proposal is awaiting the parties'' decisions.'
		                   ELSE 'The beredningsgrupp should submit an extension proposal to the styrgrupp.'
		              END) AS message,
		       'agreement' AS entity, a.id::text AS entity_id
		WHERE a.valid_to >= v_today AND a.valid_to - v_today <= 90
		UNION ALL
		SELECT 2, 'styrgrupp_meeting_missing', 'medium',
		       format('The styrgrupp has not met in the last 12 months (last meeting: %s). '
		              'Hold the yearly meeting and record it (samverkan meetings record --group %s).',
		              coalesce((SELECT max(m.held_on)::text FROM svk.meetings m WHERE m.group_id = g.id),
		                       'none recorded'), g.slug),
		       'group', g.slug
		FROM svk.groups g
		WHERE g.tier = 'styrgrupp' AND NOT EXISTS (
			SELECT 1 FROM svk.meetings m WHERE m.group_id = g.id
			AND m.held_on > v_today - interval '12 months')
		UNION ALL
		SELECT 3, 'est_meeting_missing', 'medium',
		       format('%s recorded no meeting in week %s (%s to %s). EST meets weekly: '
		              'record the meeting (samverkan meetings record --group %s).',
		              g.name, svk.week_label(v_last_week), v_last_week, v_last_week + 6, g.slug),
		       'group', g.slug
		FROM svk.groups g
		WHERE g.tier = 'arbetsgrupp' AND NOT EXISTS (
			SELECT 1 FROM svk.meetings m WHERE m.group_id = g.id
			AND m.held_on BETWEEN v_last_week AND v_last_week + 6)
		UNION ALL
		SELECT 4, 'intervention_without_update', 'low',
		       format('The ongoing intervention "%s" (%s) has had no update logged since %s. '
		              'Log its progress (samverkan interventions update %s --note ...).',
		              i.title, o.slug, x.last::date, i.id),
		       'intervention', i.id::text
		FROM svk.interventions i
		JOIN svk.action_plans p ON p.id = i.plan_id
		JOIN svk.organisations o ON o.id = i.responsible_organisation_id
		CROSS JOIN LATERAL (SELECT coalesce((SELECT max(u.created_at) FROM svk.intervention_updates u
		                                     WHERE u.intervention_id = i.id), i.created_at) AS last) x
		WHERE p.agreement_id = a.id AND i.status = 'ongoing'
		  AND x.last < now() - interval '90 days'
		UNION ALL
		SELECT 5, 'follow_up_missing', 'medium',
		       format('No follow-up of %s has been adopted. The strategic forum adopts the yearly '
		              'follow-up through a follow_up proposal.', v_last_year),
		       'follow_up', v_last_year::text
		WHERE a.valid_from <= make_date(v_last_year, 12, 31)
		  AND a.valid_to >= make_date(v_last_year, 1, 1)
		  AND NOT EXISTS (SELECT 1 FROM svk.follow_ups u WHERE u.agreement_id = a.id
		                  AND u.year = v_last_year AND u.status = 'adopted'))
	SELECT json_agg(json_build_object('code', code, 'severity', severity, 'message', message,
	                                  'entity', entity, 'entity_id', entity_id)
	                ORDER BY ord, entity_id) INTO v_findings FROM f;
	RETURN json_build_object('agreement', a.id, 'as_of', v_today,
	                         'findings', coalesce(v_findings, '[]'));
END
$$;
