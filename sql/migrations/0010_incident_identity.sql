-- An incident is stored once per source organisation (a re-run import
-- stores nothing twice, whatever else changed in the file): identified by
-- the source's own reference, external_id, when it gives one, else by its
-- content — municipality, time, place, category and description — whose
-- SHA-256 is content_sha256. svk.incidents_create inserts with ON CONFLICT
-- DO NOTHING on these two unique indexes, so two imports of the same lines
-- at the same time store each incident once too.

-- Part of the table's definition, like svk.week_of: the stored hashes were
-- computed with it, so it may only change with a migration that recomputes
-- them. The values go through a JSON array, so no text of one field can
-- pass for another.
CREATE FUNCTION svk.incident_content_sha256(p_municipality bigint, p_at timestamptz,
                                            p_place text, p_category smallint,
                                            p_description text) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT sha256(convert_to(jsonb_build_array(p_municipality, extract(epoch FROM p_at),
	                                           p_place, p_category, p_description)::text,
	                         'UTF8'))
$$;

ALTER TABLE svk.incidents
	ADD COLUMN content_sha256 bytea,
	ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 200);

-- Incidents stored before: the first of each content keeps the hash; a
-- copy an earlier import stored twice stays, without one (it is not
-- deleted here: what to keep is the reporter's call). An incident report
-- is never changed, so its trigger is held off for this one update.
ALTER TABLE svk.incidents DISABLE TRIGGER USER;
UPDATE svk.incidents i SET content_sha256 = h.sha
FROM (SELECT id, sha,
             row_number() OVER (PARTITION BY source_organisation_id, sha ORDER BY seq) AS n
      FROM (SELECT id, seq, source_organisation_id,
                   svk.incident_content_sha256(municipality_id, occurred_at, place,
                                               category_id, description) AS sha
            FROM svk.incidents) x) h
WHERE h.id = i.id AND h.n = 1;
ALTER TABLE svk.incidents ENABLE TRIGGER USER;

CREATE UNIQUE INDEX incidents_source_content ON svk.incidents (source_organisation_id, content_sha256)
	WHERE external_id IS NULL;
CREATE UNIQUE INDEX incidents_source_external_id ON svk.incidents (source_organisation_id, external_id);
