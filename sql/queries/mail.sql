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

-- name: outbox_admin
-- The outbox as an admin sees it: the mails per status (queued, of which
-- retrying: tried and not yet taken; sent; failed) and the failed mails,
-- newest failure first. Ties (one digest's rows fail together) go by id;
-- the cursor is the last shown row's failure time in microseconds since
-- 1970 and its id ("1763249400000000.42"), checked for that shape by the
-- daemon. The counts are of the whole outbox on every page.
WITH page AS (
	SELECT o.* FROM svk.outbox o
	WHERE o.status = 'failed'
	  AND ($2::text IS NULL OR (o.last_attempt_at, o.id) <
	       (timestamptz 'epoch' + split_part($2::text, '.', 1)::bigint * interval '1 microsecond',
	        split_part($2::text, '.', 2)::bigint))
	ORDER BY o.last_attempt_at DESC, o.id DESC LIMIT $1::int + 1),
shown AS (SELECT * FROM page ORDER BY last_attempt_at DESC, id DESC LIMIT $1::int),
nc AS (SELECT CASE WHEN (SELECT count(*) FROM page) > $1::int
                   THEN (SELECT (extract(epoch FROM l.last_attempt_at) * 1000000)::bigint::text
                                || '.' || l.id::text
                         FROM shown l ORDER BY l.last_attempt_at, l.id LIMIT 1) END AS next_cursor),
counts AS (
	SELECT count(*) FILTER (WHERE status = 'queued') AS queued,
	       count(*) FILTER (WHERE status = 'queued' AND attempts > 0) AS retrying,
	       count(*) FILTER (WHERE status = 'sent') AS sent,
	       count(*) FILTER (WHERE status = 'failed') AS failed,
	       min(created_at) FILTER (WHERE status = 'queued') AS oldest_queued
	FROM svk.outbox)
SELECT json_build_object(
	'counts', json_build_object('queued', c.queued, 'retrying', c.retrying, 'sent', c.sent,
	                            'failed', c.failed),
	'oldest_queued_at', svk.ts(c.oldest_queued),
	'items', coalesce((SELECT json_agg(json_build_object(
		'id', x.id, 'kind', x.kind, 'user', u.username, 'address', x.address,
		'subject', x.subject, 'proposal', x.proposal_id, 'link', x.link,
		'attempts', x.attempts, 'last_error', x.last_error,
		'created_at', svk.ts(x.created_at), 'failed_at', svk.ts(x.last_attempt_at),
		'message_id', x.message_id) ORDER BY x.last_attempt_at DESC, x.id DESC)
		FROM shown x JOIN svk.users u ON u.id = x.user_id), '[]'),
	'next_cursor', nc.next_cursor), nc.next_cursor
FROM nc, counts c
