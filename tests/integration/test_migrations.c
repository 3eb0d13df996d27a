/*
 * Migrations (`samverkand migrate`, the start-up schema check, /readyz): a
 * second migrate changes nothing; a recorded migration whose checksum no
 * longer matches the build makes migrate fail and serve refuse to start;
 * a missing one makes serve refuse and a running server unready. The
 * functions are applied again by every migrate; serve refuses, and a
 * running server is unready over, a database whose functions are another
 * build's. A database migrated
 * while the migrations still defined the functions (their texts are in
 * data/migrations-before-functions) ends up, migrated by this build, with
 * the same tables, functions and rights as a fresh one.
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct env e;

/* Each test migrates and seeds its own empty database: migrate and seed
 * are what is tested. */
ENV_INIT(start_unserved, e, &(struct env_opts){ .fresh_database = true, .no_serve = true })
ENV_INIT(start, e, &(struct env_opts){ .fresh_database = true })
ENV_INIT(start_clone, e, NULL)
ENV_FINI(stop, e)

TestSuite(migrations, .fini = stop, .timeout = 180);

#define FIRST "0001_foundation.sql"

static const char migrations_state[] =
    "SELECT string_agg(name || ':' || checksum || ':' || applied_at, ',' ORDER BY name) "
    "FROM svk_meta.migrations";
static const char schema_state[] =
    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname IN ('svk', 'svk_meta')";

Test(migrations, migrate_twice_is_a_no_op, .init = start_unserved)
{
	const char *before = sql_value(&e, migrations_state);
	long relations = sql_count(&e, schema_state);
	long audit = sql_count(&e, "SELECT count(*) FROM svk.audit");
	struct proc *p = samverkand(&e, "migrate");

	cr_expect_eq(p->status, 0, "a second migrate failed: %s", p->err);
	cr_expect(strstr(p->err, "applied=0"), "a second migrate applied something: %s", p->err);
	cr_expect_str_eq(sql_value(&e, migrations_state), before, "svk_meta.migrations changed");
	cr_expect_eq(sql_count(&e, schema_state), relations, "the schema changed");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit"), audit);
	/* Seeding again adds nothing either. */
	p = samverkand(&e, "seed", strf(&e, "%s/deploy/seed/seed.json", harness_top_dir()),
		       "--admin-password-file", strf(&e, "%s/admin-password-2", e.dir));
	cr_expect_eq(p->status, 0, "a second seed failed: %s", p->err);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.organisations"), 4);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.users"), 1);
	env_serve(&e);
	login(&e, "admin", e.admin_password);
}

Test(migrations, a_changed_migration_stops_migrate_and_serve, .init = start_unserved)
{
	const char *sum = sql_value(&e, "SELECT checksum FROM svk_meta.migrations WHERE name = $1",
				    FIRST);
	struct proc *p;

	cr_assert(sum && strlen(sum) == 64, "no checksum recorded for " FIRST);
	sum = strf(&e, "%s", sum);
	cr_assert(
	    sql_query(&e,
		      "UPDATE svk_meta.migrations SET checksum = repeat('0', 64) WHERE name = $1",
		      FIRST)
		->ok);

	p = samverkand(&e, "migrate");
	cr_expect_eq(p->status, 1, "migrate over a changed migration: exit %d: %s", p->status,
		     p->err);
	cr_expect(strstr(p->err, FIRST), "migrate does not name the changed file: %s", p->err);
	p = samverkand(&e, "serve");
	cr_expect(p->status > 0 && p->status < 128,
		  "serve over a changed migration: exit %d (-1: it did not stop): %s", p->status,
		  p->err);
	cr_expect(strstr(p->err, FIRST), "serve does not name the changed file: %s", p->err);

	/* Restored, all is well again. */
	cr_assert(sql_query(&e, "UPDATE svk_meta.migrations SET checksum = $1 WHERE name = $2", sum,
			    FIRST)
		      ->ok);
	p = samverkand(&e, "migrate");
	cr_expect_eq(p->status, 0, "migrate after the restore: %s", p->err);
	env_serve(&e);
	login(&e, "admin", e.admin_password);
}

Test(migrations, a_missing_migration_makes_the_server_unready, .init = start)
{
	const char *applied = sql_value(
	    &e, "SELECT applied_at::text FROM svk_meta.migrations WHERE name = $1", FIRST);
	const char *sum = sql_value(&e, "SELECT checksum FROM svk_meta.migrations WHERE name = $1",
				    FIRST);
	struct resp *r;
	struct proc *p;

	applied = strf(&e, "%s", applied);
	sum = strf(&e, "%s", sum);
	cr_assert(sql_query(&e, "DELETE FROM svk_meta.migrations WHERE name = $1", FIRST)->ok);
	r = http(&e, "GET", "/readyz", NULL, NULL);
	cr_expect_eq(r->status, 503, "/readyz with a migration missing: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "unavailable");
	cr_expect(http(&e, "GET", "/livez", NULL, NULL)->status == 200,
		  "/livez is about the process");

	/* A second server would not start on it. */
	env_stop_daemon(&e);
	p = samverkand(&e, "serve");
	cr_expect(p->status > 0 && p->status < 128,
		  "serve with a pending migration: exit %d (-1: it did not stop): %s", p->status,
		  p->err);
	cr_expect(strstr(p->err, "migrate"), "serve does not say to run migrate: %s", p->err);

	cr_assert(sql_query(&e,
			    "INSERT INTO svk_meta.migrations (name, checksum, applied_at) "
			    "VALUES ($1, $2, $3::timestamptz)",
			    FIRST, sum, applied)
		      ->ok);
	env_serve(&e);
	r = http(&e, "GET", "/readyz", NULL, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
}

Test(migrations, migrate_applies_the_functions_again_and_serve_wants_this_builds,
     .init = start_unserved)
{
	static const char def[] = "SELECT pg_get_functiondef('svk.week_label(date)'::regprocedure)";
	const char *sum = sql_value(&e, "SELECT checksum FROM svk_meta.functions");
	struct resp *r;
	struct proc *p;

	cr_assert(sum && strlen(sum) == 64, "migrate recorded no functions checksum");
	sum = strf(&e, "%s", sum);
	/* A function changed by hand, and the record of another build. */
	cr_assert(sql_query(&e, "CREATE OR REPLACE FUNCTION svk.week_label(d date) RETURNS text "
				"LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 'changed' $$")
		      ->ok);
	cr_assert(sql_query(&e, "UPDATE svk_meta.functions SET checksum = repeat('0', 64)")->ok);
	p = samverkand(&e, "serve");
	cr_expect(p->status > 0 && p->status < 128,
		  "serve over another build's functions: exit %d (-1: it did not stop): %s",
		  p->status, p->err);
	cr_expect(strstr(p->err, "migrate"), "serve does not say to run migrate: %s", p->err);

	p = samverkand(&e, "migrate");
	cr_expect_eq(p->status, 0, "migrate: %s", p->err);
	cr_expect(strstr(p->err, "applied=0"), "migrate applied a migration: %s", p->err);
	cr_expect(strstr(p->err, "functions applied"), "migrate did not apply the functions: %s",
		  p->err);
	cr_expect(!strstr(sql_value(&e, def), "changed"), "migrate left the changed function: %s",
		  sql_value(&e, def));
	cr_expect_str_eq(sql_value(&e, "SELECT checksum FROM svk_meta.functions"), sum);
	env_serve(&e);
	login(&e, "admin", e.admin_password);

	/* A running server is unready while the functions are another build's. */
	cr_assert(sql_query(&e, "UPDATE svk_meta.functions SET checksum = repeat('0', 64)")->ok);
	r = http(&e, "GET", "/readyz", NULL, NULL);
	cr_expect_eq(r->status, 503, "/readyz over another build's functions: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "unavailable");
	cr_assert(sql_query(&e, "UPDATE svk_meta.functions SET checksum = $1", sum)->ok);
	r = http(&e, "GET", "/readyz", NULL, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
}

/* Everything of schema svk a migration or a function file makes: relations
 * with their rights, columns, constraints, indexes, triggers, and every
 * function's definition and rights. */
static const char schema_text[] =
    "SELECT string_agg(x, E'\\n' ORDER BY x) FROM ("
    " SELECT 'F ' || p.oid::regprocedure::text || ' ' || coalesce(p.proacl::text, '-') || E'\\n' ||"
    "        pg_get_functiondef(p.oid) AS x"
    " FROM pg_proc p WHERE p.pronamespace = 'svk'::regnamespace"
    " UNION ALL"
    " SELECT 'R ' || c.oid::regclass::text || ' ' || c.relkind::text || ' ' ||"
    "        coalesce(c.relacl::text, '-')"
    " FROM pg_class c WHERE c.relnamespace = 'svk'::regnamespace"
    " UNION ALL"
    " SELECT 'A ' || a.attrelid::regclass::text || ' ' || a.attnum || ' ' || a.attname || ' ' ||"
    "        format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' ' ||"
    "        a.attidentity::text || a.attgenerated::text || ' ' ||"
    "        coalesce(pg_get_expr(d.adbin, d.adrelid), '-')"
    " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
    " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
    " WHERE c.relnamespace = 'svk'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped"
    " UNION ALL"
    " SELECT 'K ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)"
    " FROM pg_constraint WHERE connamespace = 'svk'::regnamespace"
    " UNION ALL"
    " SELECT 'I ' || pg_get_indexdef(i.indexrelid)"
    " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
    " WHERE c.relnamespace = 'svk'::regnamespace"
    " UNION ALL"
    " SELECT 'T ' || pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text"
    " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
    " WHERE c.relnamespace = 'svk'::regnamespace AND NOT t.tgisinternal"
    " UNION ALL"
    " SELECT 'S ' || nspname || ' ' || coalesce(nspacl::text, '-') FROM pg_namespace"
    " WHERE nspname = 'svk') s";

/* The first line where a and b differ, for the assertion's message. */
static const char *first_difference(const char *a, const char *b)
{
	const char *line = a;

	for (; *a && *a == *b; a++, b++)
		if (*a == '\n')
			line = a + 1;
	return line;
}

/* Applies one old migration as the build of its time did: the file in one
 * transaction with the record of its SHA-256. */
static void apply_old_migration(const char *name)
{
	const char *path = strf(&e, "%s/tests/integration/data/migrations-before-functions/%s",
				harness_top_dir(), name);
	FILE *f = fopen(path, "rb");
	char *text;
	long n;
	PGresult *r;

	cr_assert(f, "cannot open %s", path);
	cr_assert(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	cr_assert(n > 0 && fseek(f, 0, SEEK_SET) == 0, "cannot size %s", path);
	text = env_keep(&e, malloc((size_t)n + 1), free);
	cr_assert(text && fread(text, 1, (size_t)n, f) == (size_t)n, "cannot read %s", path);
	text[n] = '\0';
	fclose(f);
	cr_assert(sql_query(&e, "BEGIN")->ok);
	r = PQexec(e.pg_owner, text);
	cr_assert(PQresultStatus(r) == PGRES_COMMAND_OK, "%s: %s", name, PQresultErrorMessage(r));
	PQclear(r);
	cr_assert(sql_query(&e,
			    "INSERT INTO svk_meta.migrations (name, checksum) "
			    "VALUES ($1, encode(sha256(convert_to($2, 'UTF8')), 'hex'))",
			    name, text)
		      ->ok);
	cr_assert(sql_query(&e, "COMMIT")->ok);
}

/* The env's database made again by migrations 0001 to 0007 as they were
 * while they defined the functions. */
static void old_database(void)
{
	static const char *const old[] = {
		"0001_foundation.sql",       "0002_agreement_plans.sql",
		"0003_decisions.sql",        "0004_est.sql",
		"0005_followup_audit.sql",   "0006_under_decision.sql",
		"0007_meeting_iso_week.sql",
	};

	cr_assert(sql_query(&e, "SET client_min_messages = warning")->ok);
	cr_assert(sql_query(&e, "DROP SCHEMA svk, svk_meta CASCADE")->ok);
	cr_assert(sql_query(&e, "CREATE SCHEMA svk_meta")->ok);
	cr_assert(
	    sql_query(&e, "CREATE TABLE svk_meta.migrations (name text PRIMARY KEY, "
			  "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
		->ok);
	for (size_t i = 0; i < sizeof old / sizeof old[0]; i++)
		apply_old_migration(old[i]);
}

Test(migrations, a_database_migrated_before_the_functions_moved_ends_up_as_a_fresh_one,
     .init = start_unserved)
{
	const char *fresh = strf(&e, "%s", sql_value(&e, schema_text)), *upgraded, *total;
	struct proc *p;

	/* The env's database, made by this build, is the fresh one; the same
	 * database again, made by the old files, is the one to upgrade. */
	old_database();
	/* What samverkan_app may do today, on every function there is. */
	cr_assert(sql_query(&e, "CREATE TABLE public.rights_before AS "
				"SELECT p.oid::regprocedure::text AS f, p.proacl::text AS acl "
				"FROM pg_proc p WHERE p.pronamespace = 'svk'::regnamespace")
		      ->ok);
	cr_assert_gt(sql_count(&e, "SELECT count(*) FROM public.rights_before"), 80);

	p = samverkand(&e, "migrate");
	cr_assert_eq(p->status, 0, "migrate over the old migrations: %s", p->err);
	/* Only the migrations written after the functions moved (0008 on):
	 * all but the seven old ones. */
	total = strstr(p->err, " total=");
	cr_assert(total, "%s", p->err);
	cr_expect(strstr(p->err, strf(&e, "applied=%ld total=", strtol(total + 7, NULL, 10) - 7)),
		  "migrate applied a migration again: %s", p->err);

	upgraded = sql_value(&e, schema_text);
	cr_expect_str_eq(upgraded, fresh,
			 "the upgraded schema differs from a fresh one, first at: %.300s",
			 first_difference(upgraded, fresh));
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM public.rights_before b "
				   "JOIN pg_proc p ON p.oid = to_regprocedure(b.f) "
				   "WHERE p.proacl::text IS DISTINCT FROM b.acl "
				   "AND p.provolatile <> 'v'"),
		     0, "a function changed its rights");
	/* Except the writers (the VOLATILE functions: the audit log's and every
	 * other, sql/functions/writers.sql), which PUBLIC no longer may call. */
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM pg_proc WHERE has_function_privilege("
				   "'public', oid, 'EXECUTE') AND pronamespace = "
				   "'svk'::regnamespace AND provolatile = 'v' AND prokind = 'f' "
				   "AND prorettype <> 'trigger'::regtype"),
		     0, "PUBLIC may call a writer");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM pg_proc WHERE has_function_privilege("
			  "'public', oid, 'EXECUTE') AND oid = "
			  "'svk.audit_write(bigint,text,text,text,jsonb,jsonb)'::regprocedure"),
	    0, "PUBLIC may write the audit log");
	/* Gone are only the signatures 0008 replaced (the new ones check the
	 * target's rights under its lock), and the user update 0016 replaced
	 * (it takes the e-mail address and the notification preference). */
	cr_expect_str_eq(sql_value(&e, "SELECT string_agg(b.f, ' ' ORDER BY b.f) "
				       "FROM public.rights_before b "
				       "WHERE to_regprocedure(b.f) IS NULL"),
			 "svk.intervention_log(bigint,uuid,jsonb) "
			 "svk.member_delete(bigint,text,text) "
			 "svk.member_put(bigint,text,text,text,date) "
			 "svk.user_update(bigint,text,text,boolean,boolean,text)",
			 "functions other than the replaced ones are gone");
	cr_assert(sql_query(&e, "DROP TABLE public.rights_before")->ok);
	/* The old checksums are accepted by serve too; the seed's rows went
	 * with the old schema, so readiness is what is left to see. */
	env_serve(&e);
}

/* Incidents an import stored twice before incidents had an identity (0010):
 * all stay, the first of each keeps the identity, and the incident comes
 * in again as already stored. */
Test(migrations, incidents_stored_twice_before_keep_one_identity, .init = start_unserved)
{
	struct proc *p;

	old_database();
	cr_assert(
	    sql_query(
		&e,
		"WITH o AS (INSERT INTO svk.organisations (slug, name, kind, party) "
		"           VALUES ('sigtuna', 'Sigtuna', 'municipality', true) RETURNING id), "
		"u AS (INSERT INTO svk.users (username, display_name, organisation_id, "
		"      password_hash) SELECT 'old.est', 'Old', id, 'x' FROM o "
		"      RETURNING id, organisation_id), "
		"c AS (INSERT INTO svk.incident_categories (slug, name) "
		"      VALUES ('klotter', 'Klotter') RETURNING id) "
		"INSERT INTO svk.incidents (occurred_at, municipality_id, place, category_id, "
		"                           source_organisation_id, reported_by) "
		"SELECT t::timestamptz, u.organisation_id, 'Valsta', c.id, u.organisation_id, "
		"       u.id FROM u, c, unnest(ARRAY['2025-11-17T10:00Z', '2025-11-17T10:00Z', "
		"                                    '2025-11-17T11:00Z']) WITH ORDINALITY x(t, n) "
		"ORDER BY n")
		->ok);

	p = samverkand(&e, "migrate");
	cr_assert_eq(p->status, 0, "migrate over incidents stored twice: %s", p->err);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.incidents"), 3,
		     "an incident was lost");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.incidents WHERE content_sha256 IS NULL"), 1,
	    "not just the second copy lost its identity");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.incidents i WHERE content_sha256 IS NULL "
			       "AND seq = (SELECT max(seq) FROM svk.incidents "
			       "           WHERE occurred_at = '2025-11-17T10:00Z')"),
		     1, "the first copy lost its identity");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.incidents_create("
			       "(SELECT id FROM svk.users WHERE username = 'old.est'), "
			       "'[{\"occurred_at\": \"2025-11-17T10:00Z\", \"municipality\": "
			       "\"sigtuna\", \"place\": \"Valsta\", \"category\": \"klotter\"}]', "
			       "false) r WHERE (r->>'count')::int = 0"),
		     1, "the incident came in again as new");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.incidents"), 3);
}

/* The daemon prepares a statement on a connection when it first runs it
 * there; migrate prepares every one. A column a statement needs, renamed
 * behind the build's back: its request fails (500) and the others go on
 * over the same connections; migrate fails naming the statement; renamed
 * back, the request works again without a restart. */
Test(migrations, a_statement_the_schema_does_not_fit_fails_its_request_and_migrate,
     .init = start_clone)
{
	const char *reader = user_in_group(&e, "stina.sty", "sigtuna", "styrgrupp", "member"),
		   *agreement = sql_value(&e, "SELECT id::text FROM svk.agreements LIMIT 1"),
		   *priorities;
	struct resp *r;
	struct proc *p;

	cr_assert(agreement);
	priorities = strf(&e, "/v1/agreements/%s/priorities", agreement);
	r = http(&e, "GET", priorities, reader, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_assert(
	    sql_query(&e, "ALTER TABLE svk.priorities RENAME COLUMN approved_at TO approved_on")
		->ok);
	/* More requests than connections (one worker, two connections):
	 * prepared or not, each fails. */
	for (int i = 0; i < 6; i++) {
		r = http(&e, "GET", priorities, reader, NULL);
		cr_expect_eq(r->status, 500, "%s", resp_why(r));
		cr_expect_str_eq(resp_code(r), "internal");
		r = http(&e, "GET", "/v1/agreements", reader, NULL);
		cr_expect_eq(r->status, 200, "another statement after the failed one: %s",
			     resp_why(r));
	}

	p = samverkand(&e, "migrate");
	cr_expect_eq(p->status, 1, "migrate over a schema a statement does not fit: exit %d: %s",
		     p->status, p->err);
	cr_expect(strstr(p->err, "statement=priorities") && strstr(p->err, "approved_at"),
		  "migrate does not name the statement and what is wrong: %s", p->err);

	cr_assert(
	    sql_query(&e, "ALTER TABLE svk.priorities RENAME COLUMN approved_on TO approved_at")
		->ok);
	for (int i = 0; i < 6; i++) {
		r = http(&e, "GET", priorities, reader, NULL);
		cr_expect_eq(r->status, 200, "after the column is back: %s", resp_why(r));
	}
	p = samverkand(&e, "migrate");
	cr_expect_eq(p->status, 0, "migrate after the column is back: %s", p->err);
}
