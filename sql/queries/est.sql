-- EST: incident categories, incidents, the situation picture, meetings
-- and compliance. Lists are keyset-paginated on seq; the cursor is the
-- last seq of the page, also the column next_cursor (see directory.sql).
-- Days are Swedish days (Europe/Stockholm).

-- name: category_list
SELECT svk.list_page((SELECT json_agg(json_build_object('slug', slug, 'name', name) ORDER BY id)
                      FROM svk.incident_categories), NULL),
       NULL::text AS next_cursor

-- name: incident_list
-- Newest first by when the incident happened, the order of the situation
-- picture: the week being looked at on the first page. Ties (incidents of
-- the same minute) go by seq, so paging is stable; the cursor is the last
-- shown incident's occurred_at in microseconds since 1970 and its seq
-- ("1763249400000000.42"), checked for that shape by the daemon.
-- $9: the caller's token hash. A user of a non-party organisation reads only
-- the incidents their organisation reported (SPEC §6: the rest they see
-- only through the suppressed picture); an unknown token reads nothing.
WITH viewer AS (
	SELECT o.id AS org, o.party FROM svk.tokens t
	JOIN svk.users u ON u.id = t.user_id
	JOIN svk.organisations o ON o.id = u.organisation_id
	WHERE t.hash = decode($9::text, 'hex') AND t.revoked_at IS NULL AND t.expires_at > now()
	  AND u.active),
page AS (
	SELECT i.* FROM svk.incidents i, viewer v
	WHERE (v.party OR i.source_organisation_id = v.org)
	  AND ($2::text IS NULL OR (i.occurred_at, i.seq) <
	       (timestamptz 'epoch' + split_part($2::text, '.', 1)::bigint * interval '1 microsecond',
	        split_part($2::text, '.', 2)::bigint))
	  AND ($3::text IS NULL OR i.municipality_id =
	       (SELECT id FROM svk.organisations WHERE slug = $3::text))
	  AND ($4::text IS NULL OR i.category_id =
	       (SELECT id FROM svk.incident_categories WHERE slug = $4::text))
	  AND ($5::text IS NULL OR i.place = $5::text)
	  AND ($6::text IS NULL OR i.source_organisation_id =
	       (SELECT id FROM svk.organisations WHERE slug = $6::text))
	  AND ($7::date IS NULL OR i.occurred_at >= $7::date::timestamp AT TIME ZONE 'Europe/Stockholm')
	  AND ($8::date IS NULL OR i.occurred_at < ($8::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm')
	ORDER BY i.occurred_at DESC, i.seq DESC LIMIT $1::int + 1),
shown AS (SELECT * FROM page ORDER BY occurred_at DESC, seq DESC LIMIT $1::int),
nc AS (SELECT CASE WHEN (SELECT count(*) FROM page) > $1::int
                   THEN (SELECT (extract(epoch FROM l.occurred_at) * 1000000)::bigint::text
                                || '.' || l.seq::text
                         FROM shown l ORDER BY l.occurred_at, l.seq LIMIT 1) END AS next_cursor)
SELECT svk.list_page((SELECT json_agg(svk.incident_json(x) ORDER BY x.occurred_at DESC, x.seq DESC)
                      FROM shown x),
                     nc.next_cursor), nc.next_cursor
FROM nc

-- name: incident_get
-- $2: the caller's token hash; a non-party user reads only their own
-- organisation's incidents (see incident_list).
SELECT svk.incident_json(i) FROM svk.incidents i
JOIN svk.tokens t ON t.hash = decode($2::text, 'hex') AND t.revoked_at IS NULL
                 AND t.expires_at > now()
JOIN svk.users u ON u.id = t.user_id AND u.active
JOIN svk.organisations o ON o.id = u.organisation_id
WHERE i.id = $1::uuid AND (o.party OR i.source_organisation_id = o.id)

-- name: incidents_create
SELECT svk.incidents_create($1::bigint, $2::jsonb, $3::boolean)

-- name: situation
SELECT svk.situation($1::text, $2::date, $3::boolean)

-- name: meeting_list
WITH page AS (
	SELECT m.* FROM svk.meetings m
	WHERE ($2::bigint IS NULL OR m.seq > $2::bigint)
	  AND ($3::text IS NULL OR m.group_id = (SELECT id FROM svk.groups WHERE slug = $3::text))
	  AND ($4::date IS NULL OR m.held_on >= $4::date)
	  AND ($5::date IS NULL OR m.held_on <= $5::date)
	ORDER BY m.seq LIMIT $1::int + 1),
shown AS (SELECT * FROM page ORDER BY seq LIMIT $1::int),
nc AS (SELECT CASE WHEN (SELECT count(*) FROM page) > $1::int
                   THEN (SELECT max(seq)::text FROM shown) END AS next_cursor)
SELECT svk.list_page((SELECT json_agg(svk.meeting_json(x) ORDER BY x.seq) FROM shown x),
                     nc.next_cursor), nc.next_cursor
FROM nc

-- name: meeting_get
SELECT svk.meeting_json(m) FROM svk.meetings m WHERE m.id = $1::uuid

-- name: meeting_create
SELECT svk.meeting_create($1::bigint, $2::jsonb)

-- name: compliance
-- The findings also as "items" with "next_cursor", the shape of every list
-- (after the agreement and the day, so not through svk.list_page). NULL
-- (no such agreement) stays NULL.
SELECT CASE WHEN c IS NOT NULL THEN
	json_build_object('agreement', c->'agreement', 'as_of', c->'as_of',
	                  'findings', c->'findings', 'items', c->'findings', 'next_cursor', NULL) END,
       NULL::text AS next_cursor
FROM svk.compliance($1::uuid) c
