-- Organisations, users, groups and memberships. Lists are keyset-paginated
-- on their slug or username: the cursor is the last key of the page. Every
-- list answers svk.list_page's {items, next_cursor} and the cursor again as
-- the column next_cursor (NULL on the last page), for the Link header.

-- name: org_list
WITH page AS (
	SELECT * FROM svk.organisations
	WHERE $2::text IS NULL OR slug > $2::text
	ORDER BY slug LIMIT $1::int + 1),
shown AS (SELECT * FROM page ORDER BY slug LIMIT $1::int),
nc AS (SELECT CASE WHEN (SELECT count(*) FROM page) > $1::int
                   THEN (SELECT max(slug) FROM shown) END AS next_cursor)
SELECT svk.list_page((SELECT json_agg(svk.org_json(p) ORDER BY p.slug) FROM shown p),
                     nc.next_cursor), nc.next_cursor
FROM nc

-- name: org_get
SELECT svk.org_json(o) FROM svk.organisations o WHERE o.slug = $1::text

-- name: org_create
SELECT svk.org_create($1::bigint, $2::text, $3::text, $4::text, $5::boolean)

-- name: user_list
WITH page AS (
	SELECT svk.user_json(u, o.slug) AS j, u.username FROM svk.users u
	JOIN svk.organisations o ON o.id = u.organisation_id
	WHERE ($2::text IS NULL OR u.username > $2::text)
	  AND ($3::text IS NULL OR o.slug = $3::text)
	ORDER BY u.username LIMIT $1::int + 1),
shown AS (SELECT * FROM page ORDER BY username LIMIT $1::int),
nc AS (SELECT CASE WHEN (SELECT count(*) FROM page) > $1::int
                   THEN (SELECT max(username) FROM shown) END AS next_cursor)
SELECT svk.list_page((SELECT json_agg(p.j ORDER BY p.username) FROM shown p),
                     nc.next_cursor), nc.next_cursor
FROM nc

-- name: user_get
SELECT svk.user_json(u, o.slug) FROM svk.users u
JOIN svk.organisations o ON o.id = u.organisation_id WHERE u.username = $1::text

-- name: user_create
SELECT svk.user_create($1::bigint, $2::text, $3::text, $4::text, $5::boolean, $6::text)

-- name: user_update
SELECT svk.user_update($1::bigint, $2::text, $3::text, $4::boolean, $5::boolean, $6::text,
                       $7::text, $8::text)

-- name: user_password_hash
SELECT password_hash FROM svk.users WHERE username = $1::text AND active

-- name: user_set_password
SELECT svk.user_set_password($1::bigint, $2::text, $3::text, $4::uuid)

-- name: group_list
WITH page AS (
	SELECT * FROM svk.groups
	WHERE $2::text IS NULL OR slug > $2::text
	ORDER BY slug LIMIT $1::int + 1),
shown AS (SELECT * FROM page ORDER BY slug LIMIT $1::int),
nc AS (SELECT CASE WHEN (SELECT count(*) FROM page) > $1::int
                   THEN (SELECT max(slug) FROM shown) END AS next_cursor)
SELECT svk.list_page((SELECT json_agg(svk.group_json(p) ORDER BY p.slug) FROM shown p),
                     nc.next_cursor), nc.next_cursor
FROM nc

-- name: group_get
SELECT svk.group_json(g), g.tier FROM svk.groups g WHERE g.slug = $1::text

-- name: group_create
SELECT svk.group_create($1::bigint, $2::text, $3::text, $4::text, $5::text)

-- name: group_members
SELECT svk.list_page((SELECT json_agg(svk.membership_json(m.group_id, m.user_id) ORDER BY u.username)
                      FROM svk.memberships m JOIN svk.users u ON u.id = m.user_id
                      WHERE m.group_id = g.id), NULL),
       NULL::text AS next_cursor
FROM svk.groups g WHERE g.slug = $1::text

-- name: member_put
SELECT svk.member_put($1::bigint, $2::text, $3::text, $4::text, $5::date, $6::boolean)

-- name: member_delete
SELECT svk.member_delete($1::bigint, $2::text, $3::text, $4::boolean)
