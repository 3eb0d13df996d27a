-- Decision documents (beslutsunderlag) and the per-organisation approvals
-- of the styrgrupp (issue 4): one engine for four kinds. The invariants
-- rest on constraints and row locks: one decision per organisation per
-- round (a unique key), and one effect (the proposal row is locked by
-- every decision, submission and withdrawal, and each effect has its own
-- unique key).

CREATE TABLE svk.proposals (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	agreement_id uuid NOT NULL REFERENCES svk.agreements,
	kind text NOT NULL CHECK (kind IN ('prioritisation', 'action_plan', 'follow_up', 'extension')),
	title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
	background text NOT NULL DEFAULT '',
	proposal_text text NOT NULL DEFAULT '',
	focus_area_id uuid REFERENCES svk.focus_areas,
	action_plan_id uuid REFERENCES svk.action_plans,
	follow_up_year integer CHECK (follow_up_year BETWEEN 2000 AND 2100),
	extension_years integer CHECK (extension_years BETWEEN 1 AND 4),
	status text NOT NULL DEFAULT 'draft'
		CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'withdrawn')),
	round integer NOT NULL DEFAULT 1,
	author_id bigint NOT NULL REFERENCES svk.users,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	submitted_at timestamptz,
	decided_at timestamptz,
	CHECK (kind <> 'action_plan' OR action_plan_id IS NOT NULL),
	CHECK (kind <> 'follow_up' OR follow_up_year IS NOT NULL),
	CHECK (kind <> 'extension' OR extension_years IS NOT NULL)
);
CREATE INDEX ON svk.proposals (status);

-- What each organisation commits (parterna tillsätter nödvändiga resurser).
CREATE TABLE svk.proposal_resources (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	proposal_id uuid NOT NULL REFERENCES svk.proposals ON DELETE CASCADE,
	organisation_id bigint NOT NULL REFERENCES svk.organisations,
	description text NOT NULL CHECK (length(description) BETWEEN 1 AND 1000),
	amount numeric(14, 2) NOT NULL CHECK (amount >= 0),
	unit text NOT NULL CHECK (length(unit) BETWEEN 1 AND 50)
);
CREATE INDEX ON svk.proposal_resources (proposal_id);

-- The organisations that decide, fixed when the proposal is submitted.
CREATE TABLE svk.proposal_affected (
	proposal_id uuid NOT NULL REFERENCES svk.proposals ON DELETE CASCADE,
	organisation_id bigint NOT NULL REFERENCES svk.organisations,
	PRIMARY KEY (proposal_id, organisation_id)
);
CREATE INDEX ON svk.proposal_affected (organisation_id);

CREATE TABLE svk.decisions (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	proposal_id uuid NOT NULL REFERENCES svk.proposals,
	round integer NOT NULL,
	organisation_id bigint NOT NULL REFERENCES svk.organisations,
	decided_by bigint NOT NULL REFERENCES svk.users,
	verdict text NOT NULL CHECK (verdict IN ('approve', 'reject', 'return')),
	comment text NOT NULL DEFAULT '',
	decided_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (proposal_id, round, organisation_id)
);

-- The agreement's approved priorities (the effect of a prioritisation).
CREATE TABLE svk.priorities (
	proposal_id uuid PRIMARY KEY REFERENCES svk.proposals,
	agreement_id uuid NOT NULL REFERENCES svk.agreements,
	approved_at timestamptz NOT NULL DEFAULT now()
);

-- The yearly follow-up (its texts and statistics arrive with their own
-- issue); adoption is the effect of a follow_up proposal.
CREATE TABLE svk.follow_ups (
	agreement_id uuid NOT NULL REFERENCES svk.agreements,
	year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	collaboration text NOT NULL DEFAULT '',
	implementation text NOT NULL DEFAULT '',
	results text NOT NULL DEFAULT '',
	oral boolean NOT NULL DEFAULT false,
	status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'adopted')),
	adopted_at timestamptz,
	proposal_id uuid REFERENCES svk.proposals,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (agreement_id, year)
);

CREATE UNIQUE INDEX ON svk.agreement_extensions (proposal_id);

GRANT SELECT, INSERT, UPDATE, DELETE ON
	svk.proposals, svk.proposal_resources, svk.proposal_affected, svk.decisions,
	svk.priorities, svk.follow_ups
	TO samverkan_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA svk TO samverkan_app;
