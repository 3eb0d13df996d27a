-- The agreement, focus areas, action plans, interventions and their log.
-- Lists are keyset-paginated on seq (creation order); the cursor is the
-- last seq of the page. Every list answers svk.list_page's envelope and the
-- cursor as the column next_cursor (see directory.sql).

-- name: agreement_list
WITH page AS (
	SELECT * FROM svk.agreements
	WHERE $2::bigint IS NULL OR seq > $2::bigint
	ORDER BY seq LIMIT $1::int + 1),
shown AS (SELECT * FROM page ORDER BY seq LIMIT $1::int),
nc AS (SELECT CASE WHEN (SELECT count(*) FROM page) > $1::int
                   THEN (SELECT max(seq)::text FROM shown) END AS next_cursor)
SELECT svk.list_page((SELECT json_agg(svk.agreement_json(p) ORDER BY p.seq) FROM shown p),
                     nc.next_cursor), nc.next_cursor
FROM nc

-- name: agreement_get
SELECT svk.agreement_json(a) FROM svk.agreements a WHERE a.id = $1::uuid

-- name: agreement_create
SELECT svk.agreement_create($1::bigint, $2::text, $3::text,
	ARRAY(SELECT json_array_elements_text($4::json)), $5::date, $6::date)

-- name: focus_area_list
SELECT svk.list_page((SELECT json_agg(svk.focus_area_json(f) ORDER BY f.ordinal)
                      FROM svk.focus_areas f WHERE f.agreement_id = a.id), NULL),
       NULL::text AS next_cursor
FROM svk.agreements a WHERE a.id = $1::uuid

-- name: focus_area_create
SELECT svk.focus_area_create($1::bigint, $2::uuid, $3::int, $4::text, $5::text)

-- name: plan_list
WITH page AS (
	SELECT p.* FROM svk.action_plans p
	JOIN svk.organisations o ON o.id = p.municipality_id
	WHERE ($2::bigint IS NULL OR p.seq > $2::bigint)
	  AND ($3::uuid IS NULL OR p.agreement_id = $3::uuid)
	  AND ($4::text IS NULL OR o.slug = $4::text)
	ORDER BY p.seq LIMIT $1::int + 1),
shown AS (SELECT * FROM page ORDER BY seq LIMIT $1::int),
nc AS (SELECT CASE WHEN (SELECT count(*) FROM page) > $1::int
                   THEN (SELECT max(seq)::text FROM shown) END AS next_cursor)
SELECT svk.list_page((SELECT json_agg(svk.plan_json(p) ORDER BY p.seq) FROM shown p),
                     nc.next_cursor), nc.next_cursor
FROM nc

-- name: plan_get
SELECT svk.plan_json(p) FROM svk.action_plans p WHERE p.id = $1::uuid

-- name: plan_create
SELECT svk.plan_create($1::bigint, $2::uuid, $3::text, $4::text)

-- name: plan_update
SELECT svk.plan_update($1::bigint, $2::uuid, $3::text, $4::boolean, $5::text)

-- name: plan_export
-- The plan in the rows of Brå's action-plan template, for the CSV export.
SELECT json_build_object('plan', svk.plan_json(p), 'rows', coalesce((
	SELECT json_agg(json_build_object(
		'focus_area', f.ordinal || '. ' || f.title, 'title', i.title, 'cause', i.cause,
		'description', i.description, 'operational_goal', i.operational_goal,
		'starts_on', i.starts_on, 'due_on', i.due_on, 'recurring', i.recurring,
		'responsible', o.name, 'responsible_role', i.responsible_role,
		'status', i.status, 'rag', i.rag, 'progress_percent', i.progress_percent,
		'hours_spent', i.hours_spent,
		'last_update', (SELECT u.note FROM svk.intervention_updates u
		                WHERE u.intervention_id = i.id ORDER BY u.seq DESC LIMIT 1))
		ORDER BY f.ordinal, i.seq)
	FROM svk.interventions i
	JOIN svk.focus_areas f ON f.id = i.focus_area_id
	JOIN svk.organisations o ON o.id = i.responsible_organisation_id
	WHERE i.plan_id = p.id), '[]'))
FROM svk.action_plans p WHERE p.id = $1::uuid

-- name: plan_version_list
-- The adopted versions of a plan, oldest first; no row when there is no plan.
SELECT svk.list_page(coalesce((SELECT json_agg(json_build_object(
		'version', v.version, 'title', v.snapshot->'plan'->>'title',
		'adopted_at', svk.ts(v.adopted_at),
		'interventions', jsonb_array_length(v.snapshot->'interventions'),
		'in_force', v.version = (SELECT max(x.version) FROM svk.action_plan_versions x
		                         WHERE x.plan_id = p.id))
		ORDER BY v.version)
	FROM svk.action_plan_versions v WHERE v.plan_id = p.id), '[]'), NULL),
	NULL::text AS next_cursor
FROM svk.action_plans p WHERE p.id = $1::uuid

-- name: plan_version_get
-- One adopted version as it was adopted: the plan and its interventions.
SELECT json_build_object('version', v.version, 'adopted_at', svk.ts(v.adopted_at),
	'plan', v.snapshot->'plan', 'interventions', v.snapshot->'interventions')
FROM svk.action_plan_versions v WHERE v.plan_id = $1::uuid AND v.version = $2::int

-- name: plan_version_export
-- An adopted version in the rows of Brå's template (as plan_export); the
-- last update is the last one logged before the adoption.
SELECT json_build_object('plan', v.snapshot->'plan', 'rows', coalesce((
	SELECT json_agg(json_build_object(
		'focus_area', f.ordinal || '. ' || f.title, 'title', i->>'title', 'cause', i->>'cause',
		'description', i->>'description', 'operational_goal', i->>'operational_goal',
		'starts_on', i->'starts_on', 'due_on', i->'due_on', 'recurring', i->'recurring',
		'responsible', o.name, 'responsible_role', i->>'responsible_role',
		'status', i->>'status', 'rag', i->>'rag', 'progress_percent', i->'progress_percent',
		'hours_spent', i->'hours_spent',
		'last_update', (SELECT u.note FROM svk.intervention_updates u
		                WHERE u.intervention_id = (i->>'id')::uuid AND u.created_at <= v.adopted_at
		                ORDER BY u.seq DESC LIMIT 1))
		ORDER BY f.ordinal, n)
	FROM jsonb_array_elements(v.snapshot->'interventions') WITH ORDINALITY x(i, n)
	JOIN svk.focus_areas f ON f.id = (i->>'focus_area')::uuid
	JOIN svk.organisations o ON o.slug = i->>'responsible_organisation'), '[]'))
FROM svk.action_plan_versions v WHERE v.plan_id = $1::uuid AND v.version = $2::int

-- name: intervention_list
WITH page AS (
	SELECT i.* FROM svk.interventions i
	JOIN svk.organisations o ON o.id = i.responsible_organisation_id
	WHERE i.plan_id = $1::uuid
	  AND ($3::bigint IS NULL OR i.seq > $3::bigint)
	  AND ($4::text IS NULL OR i.status = $4::text)
	  AND ($5::text IS NULL OR i.rag = $5::text)
	  AND ($6::uuid IS NULL OR i.focus_area_id = $6::uuid)
	  AND ($7::text IS NULL OR o.slug = $7::text)
	  AND (NOT coalesce($8::boolean, false)
	       OR (i.due_on < svk.today() AND i.status NOT IN ('done', 'cancelled')))
	ORDER BY i.seq LIMIT $2::int + 1),
shown AS (SELECT * FROM page ORDER BY seq LIMIT $2::int),
nc AS (SELECT CASE WHEN (SELECT count(*) FROM page) > $2::int
                   THEN (SELECT max(seq)::text FROM shown) END AS next_cursor)
SELECT svk.list_page((SELECT json_agg(svk.intervention_json(x) ORDER BY x.seq) FROM shown x),
                     nc.next_cursor), nc.next_cursor
FROM nc, svk.action_plans p WHERE p.id = $1::uuid

-- name: intervention_get
SELECT svk.intervention_json(i), o.slug
FROM svk.interventions i JOIN svk.organisations o ON o.id = i.responsible_organisation_id
WHERE i.id = $1::uuid

-- name: intervention_create
SELECT svk.intervention_create($1::bigint, $2::uuid, $3::jsonb)

-- name: intervention_patch
SELECT svk.intervention_patch($1::bigint, $2::uuid, $3::jsonb, $4::text)

-- name: update_list
WITH page AS (
	SELECT * FROM svk.intervention_updates
	WHERE intervention_id = $1::uuid AND ($3::bigint IS NULL OR seq > $3::bigint)
	ORDER BY seq LIMIT $2::int + 1),
shown AS (SELECT * FROM page ORDER BY seq LIMIT $2::int),
nc AS (SELECT CASE WHEN (SELECT count(*) FROM page) > $2::int
                   THEN (SELECT max(seq)::text FROM shown) END AS next_cursor)
SELECT svk.list_page((SELECT json_agg(svk.intervention_update_json(u) ORDER BY u.seq) FROM shown u),
                     nc.next_cursor), nc.next_cursor
FROM nc, svk.interventions i WHERE i.id = $1::uuid

-- name: update_create
SELECT svk.intervention_log($1::bigint, $2::uuid, $3::jsonb, $4::text, $5::text)
