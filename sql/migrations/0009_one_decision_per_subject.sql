-- What was decided stays decided. A subject (an action plan, a follow-up
-- year, the agreement's end) has at most one proposal under decision; an
-- extension names the end date it extends, so that it cannot take effect
-- on an end another extension has moved meanwhile; an adopted follow-up
-- keeps the statistics the decision makers approved.

ALTER TABLE svk.proposals ADD COLUMN extends_valid_to date;
UPDATE svk.proposals p SET extends_valid_to = a.valid_to
FROM svk.agreements a
WHERE a.id = p.agreement_id AND p.kind = 'extension' AND p.status IN ('draft', 'submitted');

ALTER TABLE svk.follow_ups ADD COLUMN statistics jsonb;

-- The backstop of the rule svk.proposal_submit checks under the subject's
-- lock. A database that already holds two proposals under decision for one
-- subject keeps them (they are decided or withdrawn as before) and goes
-- without the backstop; the check under the lock still holds the rule.
DO $$
BEGIN
	IF NOT EXISTS (
		SELECT 1 FROM svk.proposals WHERE status = 'submitted' AND kind <> 'prioritisation'
		GROUP BY agreement_id, kind, action_plan_id, follow_up_year HAVING count(*) > 1) THEN
		CREATE UNIQUE INDEX proposals_one_per_subject ON svk.proposals
			(agreement_id, kind, coalesce(action_plan_id::text, follow_up_year::text, ''))
			WHERE status = 'submitted' AND kind <> 'prioritisation';
	ELSE
		RAISE WARNING 'two proposals await a decision on one subject; '
			'proposals_one_per_subject is not made';
	END IF;
END
$$;

-- Adopted follow-ups before this migration: their figures as they are now,
-- the closest to what was approved that can still be known.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM svk.follow_ups WHERE status = 'adopted') THEN
		EXECUTE 'UPDATE svk.follow_ups f SET statistics = svk.follow_up_stats(a, f.year)::jsonb
		         FROM svk.agreements a WHERE a.id = f.agreement_id AND f.status = ''adopted''';
	END IF;
END
$$;
