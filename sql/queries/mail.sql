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
-- The next mail due, locked until the sender's transaction ends (see
-- svk.outbox_claim).
SELECT id, address, subject, body, link, daily, attempts FROM svk.outbox_claim()

-- name: outbox_sent
SELECT svk.outbox_sent($1::bigint[])

-- name: outbox_retry
-- Answers the status: queued again, or failed.
SELECT svk.outbox_retry($1::bigint[], $2::bigint, $3::text)

-- name: outbox_wait
-- Milliseconds until the next mail is due (0: now), NULL when none waits.
SELECT greatest(0, ceil(extract(epoch FROM min(next_attempt_at) - now()) * 1000))::bigint
FROM svk.outbox WHERE status = 'queued'

-- name: notify_scheduled
-- Queues the scheduled notifications due as of $1 (NULL: now) that have
-- not been queued before; the mails queued per kind.
SELECT kind, mails FROM svk.notify_scheduled(coalesce($1::timestamptz, now()))
