-- What the decision makers approve is what is adopted. While a proposal to
-- adopt an action plan or a year's follow-up awaits their decisions, the
-- plan (its title and its interventions' content) and the follow-up (its
-- texts and the oral flag) cannot change: one director must not approve a
-- text another never saw. Withdrawing the proposal or returning it
-- (återremiss) opens them again; the progress log of an intervention stays
-- open throughout.
--
-- Submitting takes the row lock of what it proposes to adopt, and every edit
-- holds that lock while it checks, so an edit and a submission that race
-- are ordered: the edit is either in before the submission or refused.

-- The submitted proposal that would adopt the plan, or NULL.
CREATE FUNCTION svk.plan_proposal_pending(p_plan uuid) RETURNS svk.proposals
LANGUAGE sql STABLE AS $$
	SELECT * FROM svk.proposals
	WHERE kind = 'action_plan' AND action_plan_id = p_plan AND status = 'submitted'
	LIMIT 1
$$;

-- The submitted proposal that would adopt the year's follow-up, or NULL.
CREATE FUNCTION svk.follow_up_proposal_pending(p_agreement uuid, p_year int)
RETURNS svk.proposals
LANGUAGE sql STABLE AS $$
	SELECT * FROM svk.proposals
	WHERE kind = 'follow_up' AND agreement_id = p_agreement AND follow_up_year = p_year
	  AND status = 'submitted'
	LIMIT 1
$$;

CREATE FUNCTION svk.plan_not_under_decision(p_plan uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	p svk.proposals := svk.plan_proposal_pending(p_plan);
BEGIN
	IF p.id IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('the plan awaits the styrgrupp''s decision on proposal %s (%s); '
			                 'withdraw the proposal or have it returned to change the plan',
			                 p.id, p.title);
	END IF;
END
$$;

-- Interventions are created and changed through plan_editable; the plan's
-- row is locked (FOR SHARE) before the pending proposal is looked for.
CREATE OR REPLACE FUNCTION svk.plan_editable(p_plan uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF (SELECT status FROM svk.action_plans WHERE id = p_plan FOR SHARE) = 'adopted' THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = 'the plan is adopted and read-only; start its next version first';
	END IF;
	PERFORM svk.plan_not_under_decision(p_plan);
END
$$;

-- The plan's own content: its title.
CREATE FUNCTION svk.action_plans_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM svk.plan_not_under_decision(NEW.id);
	RETURN NEW;
END
$$;

CREATE TRIGGER action_plans_frozen BEFORE UPDATE ON svk.action_plans
FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
EXECUTE FUNCTION svk.action_plans_frozen();

CREATE FUNCTION svk.follow_ups_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	p svk.proposals := svk.follow_up_proposal_pending(NEW.agreement_id, NEW.year);
BEGIN
	IF p.id IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SV409',
			MESSAGE = format('the follow-up of %s awaits the styrgrupp''s decision on proposal %s (%s); '
			                 'withdraw the proposal or have it returned to change the text',
			                 NEW.year, p.id, p.title);
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER follow_ups_frozen BEFORE UPDATE ON svk.follow_ups
FOR EACH ROW WHEN ((OLD.collaboration, OLD.implementation, OLD.results, OLD.oral)
                   IS DISTINCT FROM (NEW.collaboration, NEW.implementation, NEW.results, NEW.oral))
EXECUTE FUNCTION svk.follow_ups_frozen();

-- On submission: the lock on what the proposal would adopt (a follow-up
-- nobody has written yet gets its empty draft row, so that there is a row
-- to lock and the first edit waits as well).
CREATE FUNCTION svk.proposals_lock_subject() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.kind = 'action_plan' THEN
		PERFORM 1 FROM svk.action_plans WHERE id = NEW.action_plan_id FOR UPDATE;
	ELSIF NEW.kind = 'follow_up' THEN
		INSERT INTO svk.follow_ups (agreement_id, year) VALUES (NEW.agreement_id, NEW.follow_up_year)
		ON CONFLICT (agreement_id, year) DO NOTHING;
		PERFORM 1 FROM svk.follow_ups
		WHERE agreement_id = NEW.agreement_id AND year = NEW.follow_up_year FOR UPDATE;
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER proposals_lock_subject BEFORE UPDATE OF status ON svk.proposals
FOR EACH ROW WHEN (NEW.status = 'submitted' AND OLD.status IS DISTINCT FROM 'submitted')
EXECUTE FUNCTION svk.proposals_lock_subject();
