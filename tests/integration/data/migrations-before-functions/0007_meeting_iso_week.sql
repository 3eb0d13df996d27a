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
