/*
 * Migrations (`samverkand migrate`, the start-up schema check, /readyz): a
 * second migrate changes nothing; a recorded migration whose checksum no
 * longer matches the build makes migrate fail and serve refuse to start;
 * a missing one makes serve refuse and a running server unready.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

static struct env e;

/* Each test migrates and seeds its own empty database: migrate and seed
 * are what is tested. */
ENV_INIT(start_unserved, e, &(struct env_opts){ .fresh_database = true, .no_serve = true })
ENV_INIT(start, e, &(struct env_opts){ .fresh_database = true })
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
	const char *sum = sql_value(&e, "SELECT checksum FROM svk_meta.migrations WHERE name = $1", FIRST);
	struct proc *p;

	cr_assert(sum && strlen(sum) == 64, "no checksum recorded for " FIRST);
	sum = strf(&e, "%s", sum);
	cr_assert(sql_query(&e, "UPDATE svk_meta.migrations SET checksum = repeat('0', 64) WHERE name = $1",
			    FIRST)->ok);

	p = samverkand(&e, "migrate");
	cr_expect_eq(p->status, 1, "migrate over a changed migration: exit %d: %s", p->status, p->err);
	cr_expect(strstr(p->err, FIRST), "migrate does not name the changed file: %s", p->err);
	p = samverkand(&e, "serve");
	cr_expect(p->status > 0 && p->status < 128,
		  "serve over a changed migration: exit %d (-1: it did not stop): %s", p->status, p->err);
	cr_expect(strstr(p->err, FIRST), "serve does not name the changed file: %s", p->err);

	/* Restored, all is well again. */
	cr_assert(sql_query(&e, "UPDATE svk_meta.migrations SET checksum = $1 WHERE name = $2", sum,
			    FIRST)->ok);
	p = samverkand(&e, "migrate");
	cr_expect_eq(p->status, 0, "migrate after the restore: %s", p->err);
	env_serve(&e);
	login(&e, "admin", e.admin_password);
}

Test(migrations, a_missing_migration_makes_the_server_unready, .init = start)
{
	const char *applied = sql_value(&e, "SELECT applied_at::text FROM svk_meta.migrations WHERE name = $1",
					FIRST);
	const char *sum = sql_value(&e, "SELECT checksum FROM svk_meta.migrations WHERE name = $1", FIRST);
	struct resp *r;
	struct proc *p;

	applied = strf(&e, "%s", applied);
	sum = strf(&e, "%s", sum);
	cr_assert(sql_query(&e, "DELETE FROM svk_meta.migrations WHERE name = $1", FIRST)->ok);
	r = http(&e, "GET", "/readyz", NULL, NULL);
	cr_expect_eq(r->status, 503, "/readyz with a migration missing: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "unavailable");
	cr_expect(http(&e, "GET", "/livez", NULL, NULL)->status == 200, "/livez is about the process");

	/* A second server would not start on it. */
	env_stop_daemon(&e);
	p = samverkand(&e, "serve");
	cr_expect(p->status > 0 && p->status < 128,
		  "serve with a pending migration: exit %d (-1: it did not stop): %s", p->status, p->err);
	cr_expect(strstr(p->err, "migrate"), "serve does not say to run migrate: %s", p->err);

	cr_assert(sql_query(&e, "INSERT INTO svk_meta.migrations (name, checksum, applied_at) "
				"VALUES ($1, $2, $3::timestamptz)",
			    FIRST, sum, applied)->ok);
	env_serve(&e);
	r = http(&e, "GET", "/readyz", NULL, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
}
