-- The yearly follow-up and the audit log.

-- name: follow_up_get
-- $3: whether the reader's organisation is a party (else the incident
-- counts are suppressed, SPEC §6).
SELECT svk.follow_up_for(svk.follow_up_get($1::uuid, $2::int), $3::boolean),
       svk.follow_up_etag($1::uuid, $2::int)

-- name: follow_up_put
SELECT doc, etag FROM svk.follow_up_put($1::bigint, $2::uuid, $3::int, $4::jsonb, $5::text)

-- name: follow_up_report
-- The follow-up with what the report's heading names.
SELECT svk.follow_up_for(svk.follow_up_get(a.id, $2::int), $3::boolean), a.title,
	(SELECT string_agg(o.name, ', ' ORDER BY o.kind DESC, o.name)
	 FROM svk.agreement_parties p JOIN svk.organisations o ON o.id = p.organisation_id
	 WHERE p.agreement_id = a.id),
	a.valid_from::text, a.valid_to::text,
	(SELECT json_object_agg(o.slug, o.name)
	 FROM svk.agreement_parties p JOIN svk.organisations o ON o.id = p.organisation_id
	 WHERE p.agreement_id = a.id),
	(SELECT json_object_agg(c.slug, c.name) FROM svk.incident_categories c)
FROM svk.agreements a WHERE a.id = $1::uuid

-- name: audit_list
-- Newest first; the cursor is the last seq of the page.
WITH page AS (
	SELECT * FROM svk.audit
	WHERE ($2::bigint IS NULL OR seq < $2::bigint)
	  AND ($3::text IS NULL OR actor = $3::text)
	  AND ($4::text IS NULL OR organisation = $4::text)
	  AND ($5::text IS NULL OR action = $5::text)
	  AND ($6::text IS NULL OR entity = $6::text)
	  AND ($7::text IS NULL OR entity_id = $7::text)
	  AND ($8::date IS NULL OR at >= $8::date::timestamp AT TIME ZONE 'Europe/Stockholm')
	  AND ($9::date IS NULL OR at < ($9::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm')
	ORDER BY seq DESC LIMIT $1::int + 1),
shown AS (SELECT * FROM page ORDER BY seq DESC LIMIT $1::int),
nc AS (SELECT CASE WHEN (SELECT count(*) FROM page) > $1::int
                   THEN (SELECT min(seq)::text FROM shown) END AS next_cursor)
SELECT svk.list_page((SELECT json_agg(svk.audit_json(x) ORDER BY x.seq DESC) FROM shown x),
                     nc.next_cursor), nc.next_cursor
FROM nc

-- name: audit_verify
SELECT svk.audit_verify()

-- name: audit_checkpoint
-- What GET /v1/audit/checkpoint signs, in one snapshot: the number of
-- entries, each of the 16 chains' newest entry (seq and hash; null for a
-- chain without entries) and the time.
SELECT (SELECT count(*) FROM svk.audit)::text,
       svk.ts(clock_timestamp()),
       (SELECT json_agg(json_build_object('chain', c.chain, 'seq', h.seq,
                                          'hash', encode(h.hash, 'hex')) ORDER BY c.chain)
        FROM generate_series(0, 15) c(chain)
        LEFT JOIN LATERAL (SELECT a.seq, a.hash FROM svk.audit a WHERE a.chain = c.chain
                           ORDER BY a.seq DESC LIMIT 1) h ON true)::text

-- name: audit_entry
-- One entry by its number.
SELECT svk.audit_json(a) FROM svk.audit a WHERE a.seq = $1::bigint
