-- Reads of the web interface's Administration that the API has no single
-- call for.

-- name: web_admin_groups
-- Every group (the styrgrupp first, then the beredningsgrupp, then the
-- arbetsgrupper, each by name) with its members as GET
-- /v1/groups/{slug}/members shows them, the organisations' names, today and
-- the end of the agreement in force (the latest a co-option may last; NULL
-- when none is in force).
SELECT json_build_object(
	'groups', coalesce((
		SELECT json_agg(json_build_object(
			'slug', g.slug, 'name', g.name, 'tier', g.tier,
			'members', coalesce((
				SELECT json_agg(svk.membership_json(m.group_id, m.user_id)
				                ORDER BY u.username)
				FROM svk.memberships m JOIN svk.users u ON u.id = m.user_id
				WHERE m.group_id = g.id), '[]'))
		                ORDER BY CASE g.tier WHEN 'styrgrupp' THEN 1
		                         WHEN 'beredningsgrupp' THEN 2 ELSE 3 END, g.name)
		FROM svk.groups g), '[]'),
	'organisations', coalesce((
		SELECT json_agg(json_build_object('slug', o.slug, 'name', o.name) ORDER BY o.name)
		FROM svk.organisations o), '[]'),
	'today', svk.today(),
	'coopt_end', (SELECT max(valid_to) FROM svk.agreements
	              WHERE valid_from <= svk.today() AND valid_to >= svk.today()))
