-- Scheduled notifications: what is due as of a moment, not caused by a
-- change. svk.notify_scheduled(p_now) queues whatever is due at p_now and
-- has not been queued before; the daemon's sender calls it every few
-- minutes (daemon/mail.c) and `samverkand notify-scheduled [--now T]`
-- once. Each event (kind, subject, period) is claimed in
-- svk.notify_events before its mails are queued, in one transaction: a
-- second run, or another daemon's run at the same time, finds the key and
-- queues nothing. The texts are Swedish and plain, name only titles,
-- groups and dates, and never anything of incidents.

-- Queues one mail of p_kind for each of p_users that is active, has an
-- address and wants mail (notify 'off' gets nothing queued), as
-- svk.notify_queue does for proposals. %1$s in p_body is the recipient's
-- name. Answers how many were queued.
CREATE OR REPLACE FUNCTION svk.notify_send(p_kind text, p_users bigint[], p_subject text,
                                           p_body text, p_link text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	v_n int;
BEGIN
	INSERT INTO svk.outbox (user_id, address, kind, subject, body, link, daily, next_attempt_at)
	SELECT u.id, u.email, p_kind, p_subject, format(p_body, u.display_name), p_link,
	       u.notify = 'daily',
	       CASE WHEN u.notify = 'daily' THEN svk.notify_digest_at() ELSE now() END
	FROM svk.users u
	WHERE u.id = ANY (p_users) AND u.active AND u.email IS NOT NULL AND u.notify <> 'off'
	ORDER BY u.id;
	GET DIAGNOSTICS v_n = ROW_COUNT;
	IF v_n > 0 THEN
		PERFORM pg_notify('svk_outbox', '');
	END IF;
	RETURN v_n;
END
$$;

-- Claims an event: true when p_key was not recorded before (and now is).
CREATE OR REPLACE FUNCTION svk.notify_claim(p_key text, p_kind text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO svk.notify_events (key, kind, mails) VALUES (p_key, p_kind, 0)
	ON CONFLICT (key) DO NOTHING;
	RETURN FOUND;
END
$$;

CREATE OR REPLACE FUNCTION svk.notify_claimed(p_key text, p_mails int) RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE svk.notify_events SET mails = p_mails WHERE key = p_key;
	RETURN p_mails;
END
$$;

-- Queues what is due as of p_now; answers the mails queued per kind.
--   intervention.digest  Mondays from 06:00 Swedish time: to the
--       beredningsgrupp members of each organisation responsible for a
--       planned or ongoing intervention past its due date, or an ongoing
--       one without an update for 90 days, one mail listing them all;
--   est.meeting_missing  Mondays from 06:00: to the members of each EST
--       group (arbetsgrupp) that recorded no meeting in the last ISO week;
--   agreement.expiring   when an agreement has 180, 90, 30 or 7 days left
--       (the smallest step reached, once each; a run that missed a step
--       sends only the current one): to the styrgrupp and the
--       beredningsgrupp. An approved extension moves valid_to, so the
--       agreement is no longer expiring; the key names valid_to, so the
--       steps start again before the new end;
--   membership.ending    a co-opted membership ending within 14 days: to
--       the member and to the chair who co-opted them.
CREATE OR REPLACE FUNCTION svk.notify_scheduled(p_now timestamptz)
RETURNS TABLE (kind text, mails int)
LANGUAGE plpgsql AS $$
DECLARE
	v_local timestamp := p_now AT TIME ZONE 'Europe/Stockholm';
	v_today date := (p_now AT TIME ZONE 'Europe/Stockholm')::date;
	v_monday date := date_trunc('week', p_now AT TIME ZONE 'Europe/Stockholm')::date;
	v_weekly boolean := extract(isodow FROM p_now AT TIME ZONE 'Europe/Stockholm') = 1
	                    AND (p_now AT TIME ZONE 'Europe/Stockholm')::time >= time '06:00';
	v_last_week date;
	v_digest int := 0;
	v_est int := 0;
	v_agreement int := 0;
	v_membership int := 0;
	v_key text;
	v_list text;
	v_users bigint[];
	v_step int;
	r record;
BEGIN
	v_last_week := v_monday - 7;
	IF v_weekly THEN
		FOR r IN
			SELECT o.id, o.name FROM svk.organisations o
			WHERE EXISTS (SELECT 1 FROM svk.interventions i
			              WHERE i.responsible_organisation_id = o.id
			                AND i.status IN ('planned', 'ongoing'))
			ORDER BY o.id
		LOOP
			SELECT string_agg(format(E'- "%s" (%s): %s', i.title, p.title,
			                         CASE WHEN i.due_on < v_today
			                              THEN 'skulle vara klar ' || i.due_on
			                              ELSE 'ingen uppdatering sedan '
			                                   || (x.last AT TIME ZONE 'Europe/Stockholm')::date END),
			                  E'\n' ORDER BY i.seq)
			INTO v_list
			FROM svk.interventions i
			JOIN svk.action_plans p ON p.id = i.plan_id
			CROSS JOIN LATERAL (SELECT coalesce((SELECT max(u.created_at)
			                                     FROM svk.intervention_updates u
			                                     WHERE u.intervention_id = i.id),
			                                    i.created_at) AS last) x
			WHERE i.responsible_organisation_id = r.id
			  AND ((i.status IN ('planned', 'ongoing') AND i.due_on < v_today)
			       OR (i.status = 'ongoing' AND x.last < p_now - interval '90 days'));
			CONTINUE WHEN v_list IS NULL;
			v_key := format('intervention.digest:%s:%s', r.id, v_monday);
			CONTINUE WHEN NOT svk.notify_claim(v_key, 'intervention.digest');
			v_users := (SELECT coalesce(array_agg(DISTINCT m.user_id), '{}')
			            FROM svk.memberships m
			            JOIN svk.groups g ON g.id = m.group_id
			            JOIN svk.users u ON u.id = m.user_id
			            WHERE g.tier = 'beredningsgrupp' AND u.organisation_id = r.id
			              AND (m.until IS NULL OR m.until >= v_today));
			v_digest := v_digest + svk.notify_claimed(v_key, svk.notify_send(
				'intervention.digest', v_users,
				'Insatser att följa upp, vecka ' || svk.week_label(v_monday) || ': ' || r.name,
				E'Hej %1$s,\n\nDessa insatser som ' || replace(r.name, '%', '%%')
				|| E' ansvarar för är försenade eller har inte uppdaterats på 90 dagar:\n\n'
				|| replace(v_list, '%', '%%')
				|| E'\n\nLogga läget för insatserna här:',
				'/'));
		END LOOP;

		FOR r IN
			SELECT g.id, g.name FROM svk.groups g
			WHERE g.tier = 'arbetsgrupp' AND NOT EXISTS (
				SELECT 1 FROM svk.meetings m WHERE m.group_id = g.id
				AND m.held_on BETWEEN v_last_week AND v_last_week + 6)
			ORDER BY g.id
		LOOP
			v_key := format('est.meeting_missing:%s:%s', r.id, v_last_week);
			CONTINUE WHEN NOT svk.notify_claim(v_key, 'est.meeting_missing');
			v_users := (SELECT coalesce(array_agg(m.user_id), '{}') FROM svk.memberships m
			            WHERE m.group_id = r.id AND (m.until IS NULL OR m.until >= v_today));
			v_est := v_est + svk.notify_claimed(v_key, svk.notify_send(
				'est.meeting_missing', v_users,
				'Inget möte registrerat vecka ' || svk.week_label(v_last_week) || ': ' || r.name,
				E'Hej %1$s,\n\n' || replace(r.name, '%', '%%')
				|| ' har inte registrerat något möte vecka ' || svk.week_label(v_last_week)
				|| ' (' || v_last_week || ' till ' || (v_last_week + 6) || '). EST träffas '
				|| E'varje vecka: registrera mötet, eller förklara varför det inte hölls.'
				|| E'\n\nLogga in här:',
				'/'));
		END LOOP;
	END IF;

	FOR r IN
		SELECT a.id, a.title, a.valid_to, a.valid_to - v_today AS days_left
		FROM svk.agreements a
		WHERE a.valid_to >= v_today AND a.valid_to - v_today <= 180
		ORDER BY a.seq
	LOOP
		v_step := (SELECT min(s) FROM unnest(ARRAY[7, 30, 90, 180]) s WHERE s >= r.days_left);
		v_key := format('agreement.expiring:%s:%s:%s', r.id, r.valid_to, v_step);
		CONTINUE WHEN NOT svk.notify_claim(v_key, 'agreement.expiring');
		v_users := (SELECT coalesce(array_agg(DISTINCT m.user_id), '{}')
		            FROM svk.memberships m JOIN svk.groups g ON g.id = m.group_id
		            WHERE g.tier IN ('styrgrupp', 'beredningsgrupp')
		              AND (m.until IS NULL OR m.until >= v_today));
		v_agreement := v_agreement + svk.notify_claimed(v_key, svk.notify_send(
			'agreement.expiring', v_users,
			'Överenskommelsen löper ut om ' || r.days_left || ' dagar: ' || r.title,
			E'Hej %1$s,\n\nÖverenskommelsen "' || replace(r.title, '%', '%%')
			|| '" löper ut den ' || r.valid_to || ', om ' || r.days_left
			|| ' dagar, och ingen förlängning har antagits. '
			|| CASE WHEN EXISTS (SELECT 1 FROM svk.proposals p
			                     WHERE p.agreement_id = r.id AND p.kind = 'extension'
			                       AND p.status = 'submitted')
			        THEN 'Ett förslag om förlängning väntar på parternas beslut.'
			        ELSE 'Beredningsgruppen kan lämna ett förslag om förlängning till '
			             || 'styrgruppen.' END
			|| E'\n\nSe förslagen här:',
			'/forslag'));
	END LOOP;

	FOR r IN
		SELECT m.group_id, m.user_id, m.until, m.coopted_by, g.name AS group_name,
		       u.display_name AS member_name, c.display_name AS chair_name
		FROM svk.memberships m
		JOIN svk.groups g ON g.id = m.group_id
		JOIN svk.users u ON u.id = m.user_id
		JOIN svk.users c ON c.id = m.coopted_by
		WHERE m.until BETWEEN v_today AND v_today + 14
		ORDER BY m.until, m.group_id, m.user_id
	LOOP
		v_key := format('membership.ending:%s:%s:%s', r.group_id, r.user_id, r.until);
		CONTINUE WHEN NOT svk.notify_claim(v_key, 'membership.ending');
		v_step := svk.notify_send('membership.ending', ARRAY[r.user_id],
			'Medlemskap upphör: ' || r.group_name,
			E'Hej %1$s,\n\nDitt medlemskap i ' || replace(r.group_name, '%', '%%')
			|| ' upphör den ' || r.until || ', om ' || (r.until - v_today) || ' dagar. '
			|| replace(r.chair_name, '%', '%%') || E' adjungerade dig och kan förlänga det.'
			|| E'\n\nLogga in här:',
			'/');
		v_step := v_step + svk.notify_send('membership.ending', ARRAY[r.coopted_by],
			'Medlemskap upphör: ' || r.group_name,
			E'Hej %1$s,\n\n' || replace(r.member_name, '%', '%%') || 's medlemskap i '
			|| replace(r.group_name, '%', '%%') || ', som du adjungerade, upphör den '
			|| r.until || ', om ' || (r.until - v_today) || ' dagar. Förläng det i tid om '
			|| E'det ska fortsätta.\n\nLogga in här:',
			'/');
		v_membership := v_membership + svk.notify_claimed(v_key, v_step);
	END LOOP;

	RETURN QUERY VALUES ('intervention.digest', v_digest), ('est.meeting_missing', v_est),
	                    ('agreement.expiring', v_agreement), ('membership.ending', v_membership);
END
$$;

-- Outbox rows sent, or given up, more than 90 days ago (a failed row is
-- given up within 48 hours of being queued): `samverkand purge`. Answers
-- how many were (or, with p_dry_run, would be) deleted.
CREATE OR REPLACE FUNCTION svk.outbox_purge(p_dry_run boolean) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_n bigint;
BEGIN
	IF p_dry_run THEN
		SELECT count(*) INTO v_n FROM svk.outbox
		WHERE (status = 'sent' AND sent_at < now() - interval '90 days')
		   OR (status = 'failed' AND created_at < now() - interval '90 days');
	ELSE
		WITH d AS (DELETE FROM svk.outbox
		           WHERE (status = 'sent' AND sent_at < now() - interval '90 days')
		              OR (status = 'failed' AND created_at < now() - interval '90 days')
		           RETURNING 1)
		SELECT count(*) INTO v_n FROM d;
		IF v_n > 0 THEN
			PERFORM svk.audit_write(NULL, 'outbox.purge', 'retention', NULL, NULL,
				jsonb_build_object('mails', v_n));
		END IF;
	END IF;
	RETURN v_n;
END
$$;
