-- Reads of the proposal form (daemon/web/proposal_form.c).

-- name: web_proposal_edit
-- A proposal as GET /v1/proposals/{id} gives it (proposal_get) and its
-- version, the entity tag the PATCH's If-Match is compared with.
SELECT svk.proposal_json(p), svk.etag(svk.proposal_json(p))
FROM svk.proposals p WHERE p.id = $1::uuid

-- name: web_proposal_choices
-- What the form offers to choose from: the agreements (the newest
-- first), their focus areas and action plans, and the organisations (the
-- parties first) for the resource lines.
SELECT json_build_object(
	'agreements', coalesce((SELECT json_agg(json_build_object('id', a.id, 'title', a.title,
			'valid_from', a.valid_from, 'valid_to', a.valid_to)
			ORDER BY a.valid_from DESC, a.title) FROM svk.agreements a), '[]'),
	'focus_areas', coalesce((SELECT json_agg(json_build_object('id', f.id,
			'agreement', f.agreement_id, 'ordinal', f.ordinal, 'title', f.title)
			ORDER BY f.agreement_id, f.ordinal) FROM svk.focus_areas f), '[]'),
	'action_plans', coalesce((SELECT json_agg(json_build_object('id', pl.id,
			'agreement', pl.agreement_id, 'title', pl.title, 'status', pl.status)
			ORDER BY pl.title) FROM svk.action_plans pl), '[]'),
	'organisations', coalesce((SELECT json_agg(json_build_object('slug', o.slug,
			'name', o.name) ORDER BY o.party DESC, o.name)
			FROM svk.organisations o), '[]'))
