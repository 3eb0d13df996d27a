-- Decision documents, decisions, the inbox and the approved priorities.
-- Lists answer svk.list_page's envelope and the column next_cursor (see
-- directory.sql).

-- name: proposal_list
WITH page AS (
	SELECT p.* FROM svk.proposals p
	WHERE ($2::bigint IS NULL OR p.seq > $2::bigint)
	  AND ($3::text IS NULL OR p.status = $3::text)
	  AND ($4::text IS NULL OR p.kind = $4::text)
	  AND ($5::text IS NULL OR EXISTS (
		SELECT 1 FROM svk.organisations o
		WHERE o.slug = $5::text AND (
			EXISTS (SELECT 1 FROM svk.proposal_affected a
			        WHERE a.proposal_id = p.id AND a.organisation_id = o.id)
			OR o.id IN (SELECT x FROM svk.proposal_affected_ids(p) x))))
	ORDER BY p.seq LIMIT $1::int + 1),
shown AS (SELECT * FROM page ORDER BY seq LIMIT $1::int),
nc AS (SELECT CASE WHEN (SELECT count(*) FROM page) > $1::int
                   THEN (SELECT max(seq)::text FROM shown) END AS next_cursor)
SELECT svk.list_page((SELECT json_agg(svk.proposal_json(x) ORDER BY x.seq) FROM shown x),
                     nc.next_cursor), nc.next_cursor
FROM nc

-- name: proposal_get
SELECT svk.proposal_json(p) FROM svk.proposals p WHERE p.id = $1::uuid

-- name: proposal_create
SELECT svk.proposal_create($1::bigint, $2::jsonb)

-- name: proposal_patch
SELECT svk.proposal_patch($1::bigint, $2::uuid, $3::jsonb, $4::text)

-- name: proposal_submit
SELECT svk.proposal_submit($1::bigint, $2::uuid)

-- name: proposal_withdraw
SELECT svk.proposal_withdraw($1::bigint, $2::uuid)

-- name: proposal_decide
SELECT svk.proposal_decide($1::bigint, $2::uuid, $3::text, $4::text)

-- name: decision_list
SELECT svk.list_page(svk.proposal_json(p)->'decisions', NULL), NULL::text AS next_cursor
FROM svk.proposals p WHERE p.id = $1::uuid

-- name: pending
-- Submitted proposals that wait for a decision of an organisation whose
-- styrgrupp decision maker the token's user is.
SELECT svk.list_page(json_agg(svk.proposal_json(p) ORDER BY p.seq), NULL),
       NULL::text AS next_cursor
FROM svk.proposals p
WHERE p.status = 'submitted'
  AND EXISTS (
	SELECT 1 FROM svk.tokens t
	JOIN svk.users u ON u.id = t.user_id
	JOIN svk.memberships m ON m.user_id = u.id AND m.role = 'decision_maker'
	                      AND (m.until IS NULL OR m.until >= svk.today())
	JOIN svk.groups g ON g.id = m.group_id AND g.tier = 'styrgrupp'
	JOIN svk.proposal_affected a ON a.proposal_id = p.id AND a.organisation_id = u.organisation_id
	WHERE t.hash = decode($1::text, 'hex')
	  AND NOT EXISTS (SELECT 1 FROM svk.decisions d WHERE d.proposal_id = p.id
	                  AND d.round = p.round AND d.organisation_id = u.organisation_id))

-- name: priorities
SELECT svk.list_page((
	SELECT json_agg(json_build_object(
		'proposal', p.id, 'title', p.title, 'focus_area', p.focus_area_id,
		'proposal_text', p.proposal_text, 'approved_at', svk.ts(pr.approved_at),
		'resources', svk.proposal_json(p)->'resources') ORDER BY pr.approved_at)
	FROM svk.priorities pr JOIN svk.proposals p ON p.id = pr.proposal_id
	WHERE pr.agreement_id = a.id), NULL), NULL::text AS next_cursor
FROM svk.agreements a WHERE a.id = $1::uuid
