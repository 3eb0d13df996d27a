-- E-mail notifications: the user's own list, and the sender's statements
-- (daemon/mail.c, on its own connection, in one transaction per mail).

-- name: notification_list
-- The mails of the token $1's user, newest first; the cursor is the last
-- id of the page.
WITH me AS (SELECT user_id FROM svk.tokens WHERE hash = decode($1::text, 'hex')),
page AS (
	SELECT o.* FROM svk.outbox o, me
	WHERE o.user_id = me.user_id AND ($3::bigint IS NULL OR o.id < $3::bigint)
	ORDER BY o.id DESC LIMIT $2::int + 1),
shown AS (SELECT * FROM page ORDER BY id DESC LIMIT $2::int),
nc AS (SELECT CASE WHEN (SELECT count(*) FROM page) > $2::int
                   THEN (SELECT min(id)::text FROM shown) END AS next_cursor)
SELECT svk.list_page((SELECT json_agg(json_build_object(
		'id', x.id, 'kind', x.kind, 'subject', x.subject, 'address', x.address,
		'proposal', x.proposal_id, 'link', x.link, 'daily', x.daily, 'status', x.status,
		'attempts', x.attempts, 'created_at', svk.ts(x.created_at),
		'next_attempt_at', CASE WHEN x.status = 'queued' THEN svk.ts(x.next_attempt_at) END,
		'sent_at', svk.ts(x.sent_at), 'message_id', x.message_id) ORDER BY x.id DESC)
		FROM shown x), nc.next_cursor), nc.next_cursor
FROM nc

-- name: outbox_claim
-- The next mail due, locked until the sender's transaction ends; with a
-- daily one, every daily mail of that user that is due (the digest).
-- Rows another sender holds are skipped, so each is sent by one sender.
WITH first AS (
	SELECT id, user_id, daily FROM svk.outbox
	WHERE status = 'queued' AND next_attempt_at <= now()
	ORDER BY next_attempt_at, id LIMIT 1
	FOR UPDATE SKIP LOCKED)
SELECT o.id, o.address, o.subject, o.body, o.link, o.daily, o.attempts
FROM svk.outbox o, first f
WHERE o.id = f.id
   OR (f.daily AND o.daily AND o.user_id = f.user_id AND o.status = 'queued'
       AND o.next_attempt_at <= now())
ORDER BY o.id LIMIT 200
FOR UPDATE OF o SKIP LOCKED

-- name: outbox_sent
UPDATE svk.outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1,
	last_error = NULL
WHERE id = ANY ($1::bigint[])

-- name: outbox_retry
-- Another attempt in $2 milliseconds, unless that is more than 48 hours
-- after the mail was queued: then it has failed. Answers the status.
UPDATE svk.outbox SET attempts = attempts + 1, last_error = left($3::text, 500),
	next_attempt_at = now() + $2::bigint * interval '1 millisecond',
	status = CASE WHEN now() + $2::bigint * interval '1 millisecond'
	                   > created_at + interval '48 hours'
	              THEN 'failed' ELSE 'queued' END
WHERE id = ANY ($1::bigint[])
RETURNING status

-- name: outbox_wait
-- Milliseconds until the next mail is due (0: now), NULL when none waits.
SELECT greatest(0, ceil(extract(epoch FROM min(next_attempt_at) - now()) * 1000))::bigint
FROM svk.outbox WHERE status = 'queued'
