-- EST, the operational tier: incident categories, incidents and their
-- weekly rollup (the situation picture reads the rollup, never the
-- incidents, so it stays fast over millions of them), meetings, and the
-- compliance findings of SPEC §5.
--
-- Weeks are ISO weeks in Swedish time: Monday 00:00 to Sunday 24:00 in
-- Europe/Stockholm. A week is stored as the date of its Monday.

-- Part of the incidents table's definition, unlike the functions of
-- sql/functions/: its stored week column is computed with it, so it must
-- exist before the table and may only change with a migration that
-- recomputes the column.
CREATE FUNCTION svk.week_of(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT date_trunc('week', t AT TIME ZONE 'Europe/Stockholm')::date
$$;

CREATE TABLE svk.incident_categories (
	id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200)
);

-- Events and places only: there is no column for a person.
CREATE TABLE svk.incidents (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	occurred_at timestamptz NOT NULL,
	week date NOT NULL GENERATED ALWAYS AS (svk.week_of(occurred_at)) STORED,
	municipality_id bigint NOT NULL REFERENCES svk.organisations,
	place text NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
	latitude double precision CHECK (latitude BETWEEN -90 AND 90),
	longitude double precision CHECK (longitude BETWEEN -180 AND 180),
	category_id smallint NOT NULL REFERENCES svk.incident_categories,
	description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
	source_organisation_id bigint NOT NULL REFERENCES svk.organisations,
	reported_by bigint NOT NULL REFERENCES svk.users,
	reported_at timestamptz NOT NULL DEFAULT now(),
	CHECK ((latitude IS NULL) = (longitude IS NULL))
);
CREATE INDEX ON svk.incidents (municipality_id, seq);
CREATE INDEX ON svk.incidents (occurred_at);

-- The weekly rollups the situation picture sums, never the incidents, so
-- that it reads a few hundred small rows however many incidents there
-- are: per municipality, week and category (the totals, the categories,
-- their averages and the trend), and per municipality, week and place (the
-- hotspots). Kept by statement triggers (sql/functions/est.sql) in the
-- transaction that stores or deletes incidents.
CREATE TABLE svk.incident_week_categories (
	municipality_id bigint NOT NULL,
	week date NOT NULL,
	category_id smallint NOT NULL,
	n integer NOT NULL CHECK (n >= 0),
	PRIMARY KEY (municipality_id, week, category_id)
);

CREATE TABLE svk.incident_week_places (
	municipality_id bigint NOT NULL,
	week date NOT NULL,
	place text NOT NULL,
	n integer NOT NULL CHECK (n >= 0),
	PRIMARY KEY (municipality_id, week, place)
);

CREATE TABLE svk.meetings (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	group_id bigint NOT NULL REFERENCES svk.groups,
	held_on date NOT NULL,
	minutes text NOT NULL DEFAULT '',
	decisions text[] NOT NULL DEFAULT '{}',
	focus_places text[] NOT NULL DEFAULT '{}',
	recorded_by bigint NOT NULL REFERENCES svk.users,
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (group_id, held_on)
);

CREATE TABLE svk.meeting_attendees (
	meeting_id uuid NOT NULL REFERENCES svk.meetings ON DELETE CASCADE,
	organisation_id bigint NOT NULL REFERENCES svk.organisations,
	PRIMARY KEY (meeting_id, organisation_id)
);

GRANT SELECT ON svk.incident_categories TO samverkan_app;
GRANT SELECT, INSERT, DELETE ON svk.incidents TO samverkan_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON svk.incident_week_categories, svk.incident_week_places
	TO samverkan_app;
GRANT SELECT, INSERT ON svk.meetings, svk.meeting_attendees TO samverkan_app;
