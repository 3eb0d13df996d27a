-- The agreement, its focus areas, the municipal action plans and their
-- interventions with the follow-up log (issue 3). Each list table has a
-- `seq` for keyset pagination in creation order.

CREATE TABLE svk.agreements (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
	goal text NOT NULL CHECK (length(goal) BETWEEN 1 AND 4000),
	valid_from date NOT NULL,
	valid_to date NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	CHECK (valid_to >= valid_from),
	UNIQUE (title, valid_from)
);

CREATE TABLE svk.agreement_parties (
	agreement_id uuid NOT NULL REFERENCES svk.agreements ON DELETE CASCADE,
	organisation_id bigint NOT NULL REFERENCES svk.organisations,
	PRIMARY KEY (agreement_id, organisation_id)
);

-- Filled only by an approved extension proposal (the decision workflow).
CREATE TABLE svk.agreement_extensions (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	agreement_id uuid NOT NULL REFERENCES svk.agreements ON DELETE CASCADE,
	years integer NOT NULL CHECK (years BETWEEN 1 AND 4),
	old_valid_to date NOT NULL,
	new_valid_to date NOT NULL,
	proposal_id uuid,
	applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON svk.agreement_extensions (agreement_id);

CREATE TABLE svk.focus_areas (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	agreement_id uuid NOT NULL REFERENCES svk.agreements ON DELETE CASCADE,
	ordinal integer NOT NULL CHECK (ordinal BETWEEN 1 AND 100),
	title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
	goal text NOT NULL CHECK (length(goal) BETWEEN 1 AND 4000),
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (agreement_id, ordinal)
);

CREATE TABLE svk.action_plans (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	agreement_id uuid NOT NULL REFERENCES svk.agreements,
	municipality_id bigint NOT NULL REFERENCES svk.organisations,
	title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
	status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'adopted')),
	version integer NOT NULL DEFAULT 1,
	adopted_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (agreement_id, municipality_id)
);

-- What each adopted version of a plan said, interventions included.
CREATE TABLE svk.action_plan_versions (
	plan_id uuid NOT NULL REFERENCES svk.action_plans ON DELETE CASCADE,
	version integer NOT NULL,
	snapshot jsonb NOT NULL,
	adopted_at timestamptz NOT NULL,
	PRIMARY KEY (plan_id, version)
);

CREATE TABLE svk.interventions (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	plan_id uuid NOT NULL REFERENCES svk.action_plans ON DELETE CASCADE,
	focus_area_id uuid NOT NULL REFERENCES svk.focus_areas,
	title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
	cause text NOT NULL DEFAULT '',
	description text NOT NULL DEFAULT '',
	operational_goal text NOT NULL DEFAULT '',
	responsible_organisation_id bigint NOT NULL REFERENCES svk.organisations,
	responsible_role text NOT NULL DEFAULT '',
	starts_on date,
	due_on date,
	recurring boolean NOT NULL DEFAULT false,
	status text NOT NULL DEFAULT 'planned'
		CHECK (status IN ('planned', 'ongoing', 'done', 'cancelled')),
	rag text NOT NULL DEFAULT 'green' CHECK (rag IN ('green', 'yellow', 'red')),
	progress_percent integer NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
	hours_spent numeric(12, 2) NOT NULL DEFAULT 0 CHECK (hours_spent >= 0),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	CHECK (due_on IS NULL OR starts_on IS NULL OR due_on >= starts_on)
);
CREATE INDEX ON svk.interventions (plan_id, seq);
CREATE INDEX ON svk.interventions (responsible_organisation_id);

CREATE TABLE svk.intervention_updates (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	intervention_id uuid NOT NULL REFERENCES svk.interventions ON DELETE CASCADE,
	author_id bigint NOT NULL REFERENCES svk.users,
	created_at timestamptz NOT NULL DEFAULT now(),
	note text NOT NULL CHECK (length(note) BETWEEN 1 AND 4000),
	status text CHECK (status IN ('planned', 'ongoing', 'done', 'cancelled')),
	rag text CHECK (rag IN ('green', 'yellow', 'red')),
	progress_percent integer CHECK (progress_percent BETWEEN 0 AND 100),
	hours numeric(12, 2) CHECK (hours >= 0),
	communicated boolean NOT NULL DEFAULT false,
	channel text
);
CREATE INDEX ON svk.intervention_updates (intervention_id, seq);

GRANT SELECT, INSERT, UPDATE, DELETE ON
	svk.agreements, svk.agreement_parties, svk.agreement_extensions, svk.focus_areas,
	svk.action_plans, svk.action_plan_versions, svk.interventions, svk.intervention_updates
	TO samverkan_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA svk TO samverkan_app;
