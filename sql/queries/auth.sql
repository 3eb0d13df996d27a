-- Authentication and sessions. Statements are prepared once per database
-- connection under the name after "-- name:".

-- name: auth_require
SELECT svk.auth_require($1::text)

-- name: auth_actor
-- The actor behind a token hash: the user, its organisation and its live
-- memberships. No row: unknown, expired or revoked token, or disabled user.
-- A group without a municipality (styrgrupp, beredningsgrupp) has no
-- municipality key at all: the reader takes it as optional, not as null.
-- A token that authenticates records when (last_used_at), at most once a
-- minute, so that a busy script does not write on every request
-- (svk.token_used; the CTE is materialized, so it runs once per token).
WITH t AS MATERIALIZED (
	SELECT t.id, t.user_id, svk.token_used(t.id, t.last_used_at) FROM svk.tokens t
	WHERE t.hash = decode($1::text, 'hex')
	  AND t.revoked_at IS NULL
	  AND t.expires_at > now()
)
SELECT u.id, u.username, u.admin, u.active, o.slug, o.party, t.id,
       coalesce((SELECT json_agg(json_strip_nulls(json_build_object(
                        'group', g.slug, 'tier', g.tier, 'role', m.role,
                        'municipality', mo.slug)) ORDER BY g.slug)
                 FROM svk.memberships m
                 JOIN svk.groups g ON g.id = m.group_id
                 LEFT JOIN svk.organisations mo ON mo.id = g.municipality_id
                 WHERE m.user_id = u.id
                   AND (m.until IS NULL OR m.until >= svk.today())), '[]')
FROM t
JOIN svk.users u ON u.id = t.user_id
JOIN svk.organisations o ON o.id = u.organisation_id
WHERE u.active

-- name: login_lookup
SELECT retry_after, user_id, password_hash, organisation
FROM svk.login_lookup($1::text, $2::text, $3::int, $4::int, $5::int)

-- name: login_failed
SELECT svk.login_failed($1::text, $2::text, $3::int)

-- name: session_create
SELECT svk.session_create($1::bigint, $2::text, $3::int, $4::text)

-- name: session_revoke
SELECT svk.session_revoke($1::bigint, $2::uuid)

-- name: token_create
SELECT svk.token_create($1::bigint, $2::text, $3::text, $4::int)

-- name: token_list
-- The script tokens that still work of the user of the token hash $1.
SELECT svk.list_page((SELECT json_agg(svk.token_json(s) ORDER BY s.created_at, s.id)
                      FROM svk.tokens s
                      WHERE s.user_id = t.user_id AND svk.token_listed(s)), NULL),
       NULL::text AS next_cursor
FROM svk.tokens t WHERE t.hash = decode($1::text, 'hex')

-- name: token_get
-- One of them ($2); no row for anyone else's.
SELECT svk.token_json(s)
FROM svk.tokens t JOIN svk.tokens s ON s.user_id = t.user_id
WHERE t.hash = decode($1::text, 'hex') AND s.id = $2::uuid AND svk.token_listed(s)

-- name: user_token_list
-- The script tokens that still work of the user named $1 (the admin's
-- view); no row when there is no such user.
SELECT svk.list_page((SELECT json_agg(svk.token_json(s) ORDER BY s.created_at, s.id)
                      FROM svk.tokens s
                      WHERE s.user_id = u.id AND svk.token_listed(s)), NULL),
       NULL::text AS next_cursor
FROM svk.users u WHERE u.username = $1::text

-- name: user_token_get
SELECT svk.token_json(s)
FROM svk.users u JOIN svk.tokens s ON s.user_id = u.id
WHERE u.username = $1::text AND s.id = $2::uuid AND svk.token_listed(s)

-- name: token_revoke
-- $2: the owner's username (an admin's revocation), or NULL for the
-- actor's own token.
SELECT svk.token_revoke($1::bigint, $2::text, $3::uuid)

-- name: audit_refusal
SELECT svk.audit_refusal($1::bigint, $2::text, $3::text)

-- name: me
SELECT json_build_object(
	'user', svk.user_json(u, o.slug),
	'organisation', svk.org_json(o),
	'memberships', coalesce((
		SELECT json_agg(json_build_object('group', g.slug, 'name', g.name, 'tier', g.tier,
		                                  'role', m.role, 'municipality', mo.slug,
		                                  'until', m.until) ORDER BY g.slug)
		FROM svk.memberships m
		JOIN svk.groups g ON g.id = m.group_id
		LEFT JOIN svk.organisations mo ON mo.id = g.municipality_id
		WHERE m.user_id = u.id AND (m.until IS NULL OR m.until >= svk.today())), '[]'))
FROM svk.tokens t
JOIN svk.users u ON u.id = t.user_id
JOIN svk.organisations o ON o.id = u.organisation_id
WHERE t.hash = decode($1::text, 'hex')

-- name: schema_status
-- The number of applied migrations, for /readyz to compare with the
-- build's; 0 when the functions migrate applied last ($1: their checksum)
-- are not this build's, so that the schema is not current either way.
SELECT count(*) FROM svk_meta.migrations
WHERE EXISTS (SELECT 1 FROM svk_meta.functions WHERE checksum = $1::text)

-- name: idem_lookup
SELECT request_hash, status, response, location FROM svk.idem_lookup($1::bigint, $2::text)

-- name: idem_claim
-- Fails with a unique violation when the key was claimed meanwhile.
SELECT svk.idem_claim($1::bigint, $2::text, $3::text, $4::text, $5::text)

-- name: idem_store
SELECT svk.idem_store($1::bigint, $2::text, $3::int, $4::text, $5::text)
