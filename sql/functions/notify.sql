-- E-mail notifications of the decision workflow: who is told, in which
-- words. The rows go into svk.outbox in the transaction of the change
-- that causes them, so a change rolled back tells nobody; the daemon's
-- sender (daemon/mail.c) is woken by the NOTIFY, which PostgreSQL
-- delivers only on commit. The texts are Swedish, plain, and never carry
-- more than a proposal's title and the organisation that decided: the
-- link leads to the rest, behind the sign-in.

-- When a daily user's mail goes out: the next 07:00 Swedish time.
CREATE OR REPLACE FUNCTION svk.notify_digest_at() RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	SELECT (CASE WHEN (now() AT TIME ZONE 'Europe/Stockholm')::time < time '07:00'
	             THEN svk.today() ELSE svk.today() + 1 END + time '07:00')
	       AT TIME ZONE 'Europe/Stockholm'
$$;

-- Queues one mail of p_kind about proposal p for each of p_users that has
-- an address and wants mail (notify = 'off' and users without an address
-- get nothing queued at all). %1$s in p_body is the recipient's name.
CREATE OR REPLACE FUNCTION svk.notify_queue(p_kind text, p svk.proposals, p_users bigint[],
                                            p_subject text, p_body text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO svk.outbox (user_id, address, kind, proposal_id, subject, body, link, daily,
	                        next_attempt_at)
	SELECT u.id, u.email, p_kind, p.id, p_subject, format(p_body, u.display_name),
	       '/forslag/' || p.id, u.notify = 'daily',
	       CASE WHEN u.notify = 'daily' THEN svk.notify_digest_at() ELSE now() END
	FROM svk.users u
	WHERE u.id = ANY (p_users) AND u.active AND u.email IS NOT NULL AND u.notify <> 'off'
	ORDER BY u.id;
	IF FOUND THEN
		PERFORM pg_notify('svk_outbox', '');
	END IF;
END
$$;

-- The live members of the groups of a tier (a decision maker's role only
-- with p_role).
CREATE OR REPLACE FUNCTION svk.notify_tier_members(p_tier text, p_role text) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
	SELECT coalesce(array_agg(DISTINCT m.user_id), '{}')
	FROM svk.memberships m JOIN svk.groups g ON g.id = m.group_id
	WHERE g.tier = p_tier AND (p_role IS NULL OR m.role = p_role)
	  AND (m.until IS NULL OR m.until >= svk.today())
$$;

-- A proposal was submitted: the decision makers of each organisation it
-- affects are asked to decide.
CREATE OR REPLACE FUNCTION svk.notify_submitted(p svk.proposals) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM svk.notify_queue('proposal.submitted', p,
		(SELECT coalesce(array_agg(DISTINCT m.user_id), '{}')
		 FROM svk.memberships m JOIN svk.groups g ON g.id = m.group_id
		 JOIN svk.users u ON u.id = m.user_id
		 JOIN svk.proposal_affected a ON a.organisation_id = u.organisation_id
		 WHERE a.proposal_id = p.id AND g.tier = 'styrgrupp' AND m.role = 'decision_maker'
		   AND NOT u.admin AND (m.until IS NULL OR m.until >= svk.today())),
		'Beslut väntar: ' || p.title,
		E'Hej %1$s,\n\nFörslaget "' || replace(p.title, '%', '%%')
		|| E'" har lämnats till styrgruppen och väntar på beslut av din organisation.'
		|| E'\n\nLäs underlaget och fatta beslut här:');
END
$$;

-- Organisation p_org decided p (p as it is after the decision): the
-- author and the beredningsgrupp are told; when it was adopted, the
-- styrgrupp too.
CREATE OR REPLACE FUNCTION svk.notify_decided(p svk.proposals, p_org bigint, p_verdict text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_org text := (SELECT name FROM svk.organisations WHERE id = p_org);
	v_users bigint[] := array_append(svk.notify_tier_members('beredningsgrupp', NULL),
	                                 p.author_id);
	v_kind text;
	v_subject text;
	v_text text;
BEGIN
	IF p.status = 'approved' THEN
		v_kind := 'proposal.approved';
		v_subject := 'Antaget: ' || p.title;
		v_text := 'Förslaget "' || p.title || '" är antaget: alla berörda parter har '
		          || 'godkänt det, sist ' || v_org || '.';
		v_users := v_users || svk.notify_tier_members('styrgrupp', NULL);
	ELSIF p_verdict = 'reject' THEN
		v_kind := 'proposal.rejected';
		v_subject := 'Avslaget: ' || p.title;
		v_text := v_org || ' har avslagit förslaget "' || p.title || '".';
	ELSIF p_verdict = 'return' THEN
		v_kind := 'proposal.returned';
		v_subject := 'Återremitterat: ' || p.title;
		v_text := v_org || ' har återremitterat förslaget "' || p.title
		          || '". Det är åter ett utkast som kan ändras och lämnas in igen.';
	ELSE
		v_kind := 'proposal.decided';
		v_subject := 'Beslut fattat: ' || p.title;
		v_text := v_org || ' har godkänt förslaget "' || p.title
		          || '". Det väntar ännu på beslut av andra berörda parter.';
	END IF;
	PERFORM svk.notify_queue(v_kind, p, v_users, v_subject,
		E'Hej %1$s,\n\n' || replace(v_text, '%', '%%') || E'\n\nLäs förslaget här:');
END
$$;

GRANT EXECUTE ON FUNCTION
	svk.notify_digest_at(),
	svk.notify_queue(text, svk.proposals, bigint[], text, text),
	svk.notify_tier_members(text, text),
	svk.notify_submitted(svk.proposals),
	svk.notify_decided(svk.proposals, bigint, text)
	TO samverkan_app;

-- The sender's side of the outbox (daemon/mail.c). Each runs in the
-- sender's transaction, which holds the claimed rows until it has sent
-- them and recorded the outcome.

-- The next mail due, locked; with a daily one, every daily mail of that
-- user that is due (the digest). Rows another sender holds are skipped,
-- so each is sent by one sender.
CREATE OR REPLACE FUNCTION svk.outbox_claim()
RETURNS TABLE (id bigint, address text, subject text, body text, link text, daily boolean,
               attempts int)
LANGUAGE sql AS $$
	WITH first AS (
		SELECT f.id, f.user_id, f.daily FROM svk.outbox f
		WHERE f.status = 'queued' AND f.next_attempt_at <= now()
		ORDER BY f.next_attempt_at, f.id LIMIT 1
		FOR UPDATE SKIP LOCKED)
	SELECT o.id, o.address, o.subject, o.body, o.link, o.daily, o.attempts
	FROM svk.outbox o, first f
	WHERE o.id = f.id
	   OR (f.daily AND o.daily AND o.user_id = f.user_id AND o.status = 'queued'
	       AND o.next_attempt_at <= now())
	ORDER BY o.id LIMIT 200
	FOR UPDATE OF o SKIP LOCKED
$$;

CREATE OR REPLACE FUNCTION svk.outbox_sent(p_ids bigint[])
RETURNS void LANGUAGE sql AS $$
	UPDATE svk.outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1,
		last_error = NULL, last_attempt_at = now()
	WHERE id = ANY (p_ids)
$$;

-- Another attempt in p_delay_ms milliseconds, unless that is more than 48
-- hours after the mail was queued: then it has failed. Answers the status.
CREATE OR REPLACE FUNCTION svk.outbox_retry(p_ids bigint[], p_delay_ms bigint, p_error text)
RETURNS text LANGUAGE sql AS $$
	UPDATE svk.outbox SET attempts = attempts + 1, last_error = left(p_error, 500),
		last_attempt_at = now(), next_attempt_at = now() + p_delay_ms * interval '1 millisecond',
		status = CASE WHEN now() + p_delay_ms * interval '1 millisecond'
		                   > created_at + interval '48 hours'
		              THEN 'failed' ELSE 'queued' END
	WHERE id = ANY (p_ids)
	RETURNING status
$$;
