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
