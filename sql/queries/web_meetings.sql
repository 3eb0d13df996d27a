-- Reads of the web interface's Möten and Uppföljning that the API has no
-- single call for.

-- name: web_meetings
-- What Möten shows beside the API's list of meetings (meeting_list): the
-- groups (the styrgrupp first, then the beredningsgrupp, then the EST
-- groups, each by name) and the organisations by name, for the names in
-- the list and the choices of the form, and today's Swedish date (a
-- meeting is not recorded for a day still to come).
SELECT json_build_object(
	'groups', coalesce((
		SELECT json_agg(json_build_object('slug', g.slug, 'name', g.name, 'tier', g.tier)
		                ORDER BY CASE g.tier WHEN 'styrgrupp' THEN 1
		                         WHEN 'beredningsgrupp' THEN 2 ELSE 3 END, g.name)
		FROM svk.groups g), '[]'),
	'organisations', coalesce((
		SELECT json_agg(json_build_object('slug', o.slug, 'name', o.name) ORDER BY o.name)
		FROM svk.organisations o), '[]'),
	'today', svk.today())
