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
