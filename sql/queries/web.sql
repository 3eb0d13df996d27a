-- Reads of the web interface's pages that the API has no single call for.

-- name: web_overdue
-- The interventions of every action plan that organisation $1 (slug) is
-- responsible for and that are overdue (the API's ?overdue=true), the
-- earliest due first: Översikt's "Försenade åtgärder".
SELECT svk.list_page(json_agg(svk.intervention_json(i) ORDER BY i.due_on, i.seq), NULL),
       NULL::text AS next_cursor
FROM svk.interventions i
JOIN svk.organisations o ON o.id = i.responsible_organisation_id
WHERE o.slug = $1::text
  AND i.due_on < svk.today() AND i.status NOT IN ('done', 'cancelled')

-- name: web_proposal
-- What a proposal's page shows beside the API's document of it
-- (proposal_get): the names of the organisations it names, its
-- agreement's title and end, and the focus area and action plan it
-- links to.
SELECT json_build_object(
	'organisations', coalesce((
		SELECT json_object_agg(o.slug, o.name) FROM svk.organisations o
		WHERE o.id IN (SELECT a.organisation_id FROM svk.proposal_affected a
		               WHERE a.proposal_id = p.id
		               UNION SELECT r.organisation_id FROM svk.proposal_resources r
		               WHERE r.proposal_id = p.id
		               UNION SELECT d.organisation_id FROM svk.decisions d
		               WHERE d.proposal_id = p.id)), '{}'),
	'agreement', (SELECT json_build_object('title', a.title, 'valid_to', a.valid_to)
	              FROM svk.agreements a WHERE a.id = p.agreement_id),
	'focus_area', (SELECT json_build_object('ordinal', f.ordinal, 'title', f.title)
	               FROM svk.focus_areas f WHERE f.id = p.focus_area_id),
	'action_plan', (SELECT pl.title FROM svk.action_plans pl WHERE pl.id = p.action_plan_id))
FROM svk.proposals p WHERE p.id = $1::uuid

-- name: web_plans
-- What Åtgärdsplaner shows beside the API's list of plans (plan_list):
-- the organisations' names and, per plan, how many interventions it has
-- and how many of them are overdue (the API's rule).
SELECT json_build_object(
	'organisations', coalesce((SELECT json_object_agg(o.slug, o.name)
	                           FROM svk.organisations o), '{}'),
	'counts', coalesce((
		SELECT json_object_agg(c.plan_id, json_build_object('total', c.total,
		                                                    'overdue', c.overdue))
		FROM (SELECT i.plan_id, count(*) AS total,
		             count(*) FILTER (WHERE i.due_on < svk.today()
		                              AND i.status NOT IN ('done', 'cancelled')) AS overdue
		      FROM svk.interventions i GROUP BY i.plan_id) c), '{}'))

-- name: web_plan
-- What a plan's board and an intervention's page show beside the API's
-- documents (plan_get, intervention_list, intervention_get): the focus
-- areas of the plan's agreement in their order, the organisations' names
-- and when each of the plan's interventions last had an update logged.
SELECT json_build_object(
	'focus_areas', coalesce((SELECT json_agg(svk.focus_area_json(f) ORDER BY f.ordinal)
	                         FROM svk.focus_areas f WHERE f.agreement_id = p.agreement_id), '[]'),
	'organisations', coalesce((SELECT json_object_agg(o.slug, o.name)
	                           FROM svk.organisations o), '{}'),
	'last_update', coalesce((
		SELECT json_object_agg(u.intervention_id, svk.ts(u.at))
		FROM (SELECT x.intervention_id, max(x.created_at) AS at
		      FROM svk.intervention_updates x
		      JOIN svk.interventions i ON i.id = x.intervention_id
		      WHERE i.plan_id = p.id GROUP BY x.intervention_id) u), '{}'))
FROM svk.action_plans p WHERE p.id = $1::uuid

-- name: web_situation
-- What Lägesbild and its forms show beside the API's situation picture
-- (situation) and categories (category_list): the municipalities to
-- choose from by name, and the week and minute it is now in Sweden (the
-- page's default week, the report form's default time).
SELECT json_build_object(
	'municipalities', coalesce((SELECT json_agg(json_build_object('slug', o.slug, 'name', o.name)
	                                            ORDER BY o.name)
	                            FROM svk.organisations o WHERE o.kind = 'municipality'), '[]'),
	'this_week', svk.week_label(svk.week_of(now())),
	'now', to_char(now() AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD"T"HH24:MI'))
