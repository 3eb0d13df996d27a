/*
 * `samverkand migrate` and the start-up schema check (see admin.h).
 *
 * Migrations are the files of sql/migrations (tables, constraints, indexes,
 * data changes, grants), embedded at build time and applied in name order
 * under an advisory lock (so two operators or two servers cannot run them
 * at once), each in its own transaction, recorded with its SHA-256. A
 * recorded migration whose file changed is refused: the database would no
 * longer match what the file says.
 *
 * Then, on every run, the files of sql/functions (every function and
 * trigger in its current form, as CREATE OR REPLACE) are applied again, all
 * in one transaction, and the SHA-256 of the whole set is recorded in
 * svk_meta.functions. They come after the migrations because functions take
 * table types as arguments; so a migration must not call them, and one that
 * changes a function's arguments or return type drops it first (the files
 * then create the new one). The schema is current when every migration is
 * recorded and the recorded functions checksum is this build's: `serve`
 * refuses to start otherwise.
 *
 * When the functions moved out of migrations 0001 to 0007, those files
 * changed, and databases migrated before record the old checksums. Those
 * are accepted too (superseded[] below): the tables the old files made are
 * the same, and their functions are replaced by the current ones on the
 * next run, so such a database ends up as a fresh one.
 */
#include <libpq-fe.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "config.h"
#include "log.h"
#include "sqltext.h"

extern const struct sql_text svk_migrations[];
extern const size_t svk_migrations_count;
extern const struct sql_text svk_functions[];
extern const size_t svk_functions_count;
extern const struct sql_text svk_queries[];
extern const size_t svk_queries_count;

#define MIGRATE_LOCK_KEY "7417000101"

/*
 * The checksums migrations 0001 to 0007 had while they also defined the
 * functions (up to the commit before sql/functions was made). A database
 * migrated then recorded these; tests/integration/data/ keeps those texts
 * and it_migrations migrates such a database with this build.
 */
static const struct superseded {
	const char *name;
	const char *checksum;
} superseded[] = {
	{ "0001_foundation.sql",
	  "6bcd8518b4cdadfef12672f30a832c41c4c8143261a3ff558ccd42c403807e8e" },
	{ "0002_agreement_plans.sql",
	  "0791284522d2edc4afd3b9488117b63ec52bd132312faec7657013e1e2b35fde" },
	{ "0003_decisions.sql",
	  "2b2e95ed736809a03de9b4f9cd7b773f17c8900f972a71f568b7cabdbfd70193" },
	{ "0004_est.sql", "42aa03465a8d291dbaf557f0755829508796c4c4c8cc3f8b82e17a9b0c04a112" },
	{ "0005_followup_audit.sql",
	  "27728414fb67a628a10e72a42ae24f82d48883d4cab375f947f545c05b0e218e" },
	{ "0006_under_decision.sql",
	  "b8a16cfbc9e61b93f49f6c99430f08a9b1db98d9a84bff2ec6fdd60ff4088e72" },
	{ "0007_meeting_iso_week.sql",
	  "7239e19692643c8ced50be530fe3e79495205d207c2dd8d64e3a1b952afa854c" },
};

size_t admin_migrations_count(void)
{
	return svk_migrations_count;
}

static void checksum(const char *text, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(out, 65, h, sizeof h);
}

void admin_functions_checksum(char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];

	/* Names count too (a file renamed is another set); NUL separates. */
	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < svk_functions_count; i++) {
		const struct sql_text *f = &svk_functions[i];

		crypto_hash_sha256_update(&st, (const unsigned char *)f->name, strlen(f->name) + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)f->text, strlen(f->text) + 1);
	}
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* Whether a migration recorded with checksum old is the file now summing
 * to now: the same text, or one this file superseded. */
static int checksum_accepted(const char *name, const char *old, const char *now)
{
	if (strcmp(old, now) == 0)
		return 1;
	for (size_t i = 0; i < sizeof superseded / sizeof superseded[0]; i++)
		if (strcmp(superseded[i].name, name) == 0 &&
		    strcmp(superseded[i].checksum, old) == 0)
			return 1;
	return 0;
}

static int exec_ok(PGconn *pg, const char *sql, struct log *log, const char *what)
{
	PGresult *r = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(r);
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

	if (!ok)
		log_error(log, "msg=\"%s failed\" error=\"%s\"", what, PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : -1;
}

/* The one value of a query with text parameters into out (65 bytes); 1
 * found, 0 no row, -1 error. */
static int value65(PGconn *pg, const char *sql, int n, const char *const *params, char out[65],
		   struct log *log)
{
	PGresult *r = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
	int rc = -1;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		log_error(log, "msg=\"cannot read the applied schema\" error=\"%s\"",
			  PQresultErrorMessage(r));
	} else if (PQntuples(r) == 0) {
		rc = 0;
	} else {
		snprintf(out, 65, "%s", PQgetvalue(r, 0, 0));
		rc = 1;
	}
	PQclear(r);
	return rc;
}

/* The recorded checksum of name into out; 1 found, 0 not, -1 error. */
static int recorded(PGconn *pg, const char *name, char out[65], struct log *log)
{
	const char *params[1] = { name };

	return value65(pg, "SELECT checksum FROM svk_meta.migrations WHERE name = $1", 1, params,
		       out, log);
}

static int apply_one(PGconn *pg, const struct sql_text *m, const char *sum, struct log *log)
{
	const char *params[2] = { m->name, sum };
	PGresult *r;
	ExecStatusType st;

	if (exec_ok(pg, "BEGIN", log, "begin") != 0)
		return -1;
	r = PQexec(pg, m->text);
	st = PQresultStatus(r);
	/* 0006 and 0007 are comments only now: an empty query. */
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
		log_error(log,
			  "msg=\"migration failed, nothing of it applied\" file=%s error=\"%s\"",
			  m->name, PQresultErrorMessage(r));
		PQclear(r);
		exec_ok(pg, "ROLLBACK", log, "rollback");
		return -1;
	}
	PQclear(r);
	r = PQexecParams(pg, "INSERT INTO svk_meta.migrations (name, checksum) VALUES ($1, $2)", 2,
			 NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		log_error(log, "msg=\"cannot record migration\" file=%s error=\"%s\"", m->name,
			  PQresultErrorMessage(r));
		PQclear(r);
		exec_ok(pg, "ROLLBACK", log, "rollback");
		return -1;
	}
	PQclear(r);
	if (exec_ok(pg, "COMMIT", log, "commit") != 0)
		return -1;
	log_info(log, "msg=\"migration applied\" file=%s", m->name);
	return 0;
}

/*
 * Every function file, foundation.sql first (CMake orders them), in one
 * transaction, so that a failure leaves the functions as they were. The
 * record says which set the database now has. CREATE OR REPLACE TRIGGER
 * locks its table against writes until the commit; a running server's
 * write may wait that long, or, when it holds another of those tables,
 * one of the two is ended as a deadlock: the request answers 503 (retry),
 * or migrate fails having changed nothing and is run again.
 */
/* Prepares every named statement the daemon runs against the schema as
 * it now is: the daemon prepares each on first use, so one the schema
 * does not support would otherwise fail only its first request. */
static int check_statements(PGconn *pg, struct log *log)
{
	for (size_t i = 0; i < svk_queries_count; i++) {
		PGresult *r = PQprepare(pg, svk_queries[i].name, svk_queries[i].text, 0, NULL);
		bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;

		if (!ok)
			log_error(
			    log,
			    "msg=\"a statement does not fit the schema (no function changed)\" "
			    "statement=%s error=\"%s\"",
			    svk_queries[i].name, PQresultErrorMessage(r));
		PQclear(r);
		if (!ok)
			return -1;
	}
	return 0;
}

static int apply_functions(PGconn *pg, struct log *log)
{
	char sum[65], what[160];
	const char *params[1] = { sum };
	PGresult *r;

	admin_functions_checksum(sum);
	if (exec_ok(pg, "BEGIN", log, "begin") != 0)
		return -1;
	for (size_t i = 0; i < svk_functions_count; i++) {
		snprintf(what, sizeof what, "functions file %s (no function changed)",
			 svk_functions[i].name);
		if (exec_ok(pg, svk_functions[i].text, log, what) != 0) {
			exec_ok(pg, "ROLLBACK", log, "rollback");
			return -1;
		}
	}
	if (check_statements(pg, log) != 0) {
		exec_ok(pg, "ROLLBACK", log, "rollback");
		return -1;
	}
	r = PQexecParams(pg,
			 "INSERT INTO svk_meta.functions (checksum) VALUES ($1) "
			 "ON CONFLICT (one) DO UPDATE SET checksum = excluded.checksum, "
			 "applied_at = now()",
			 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		log_error(log, "msg=\"cannot record the functions\" error=\"%s\"",
			  PQresultErrorMessage(r));
		PQclear(r);
		exec_ok(pg, "ROLLBACK", log, "rollback");
		return -1;
	}
	PQclear(r);
	if (exec_ok(pg, "COMMIT", log, "commit") != 0)
		return -1;
	log_info(log, "msg=\"functions applied\" files=%zu checksum=%s", svk_functions_count, sum);
	return 0;
}

int admin_migrate(const struct config *cfg, struct log *log)
{
	PGconn *pg = NULL;
	int status = 1, applied = 0;

	if (sodium_init() < 0)
		return 1;
	if (!cfg->db_admin_url[0]) {
		log_error(
		    log,
		    "msg=\"set [database] admin_url (a role that owns the schema) to migrate\"");
		return 1;
	}
	pg = PQconnectdb(cfg->db_admin_url);
	if (PQstatus(pg) != CONNECTION_OK) {
		log_error(log, "msg=\"cannot connect to the database\" error=\"%s\"",
			  PQerrorMessage(pg));
		goto out;
	}
	if (exec_ok(pg, "SET client_min_messages = warning", log, "set") != 0 ||
	    exec_ok(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", log, "lock") != 0 ||
	    exec_ok(pg, "CREATE SCHEMA IF NOT EXISTS svk_meta", log, "create schema") != 0 ||
	    exec_ok(pg,
		    "CREATE TABLE IF NOT EXISTS svk_meta.migrations ("
		    "name text PRIMARY KEY, checksum text NOT NULL, "
		    "applied_at timestamptz NOT NULL DEFAULT now())",
		    log, "create table") != 0 ||
	    exec_ok(pg,
		    "CREATE TABLE IF NOT EXISTS svk_meta.functions ("
		    "one boolean PRIMARY KEY DEFAULT true CHECK (one), checksum text NOT NULL, "
		    "applied_at timestamptz NOT NULL DEFAULT now())",
		    log, "create table") != 0)
		goto out;
	for (size_t i = 0; i < svk_migrations_count; i++) {
		const struct sql_text *m = &svk_migrations[i];
		char sum[65], old[65];
		int rc;

		checksum(m->text, sum);
		rc = recorded(pg, m->name, old, log);
		if (rc < 0)
			goto out;
		if (rc == 1) {
			if (!checksum_accepted(m->name, old, sum)) {
				log_error(
				    log,
				    "msg=\"an applied migration has changed; restore the file "
				    "or write a new migration\" file=%s applied=%s now=%s",
				    m->name, old, sum);
				goto out;
			}
			continue;
		}
		if (apply_one(pg, m, sum, log) != 0)
			goto out;
		applied++;
	}
	if (apply_functions(pg, log) != 0)
		goto out;
	/* The daemon's role reads the records to know the schema is current. */
	if (exec_ok(pg, "GRANT USAGE ON SCHEMA svk_meta TO samverkan_app", log, "grant") != 0 ||
	    exec_ok(pg, "GRANT SELECT ON svk_meta.migrations, svk_meta.functions TO samverkan_app",
		    log, "grant") != 0)
		goto out;
	log_info(log, "msg=\"schema is current\" applied=%d total=%zu", applied,
		 svk_migrations_count);
	status = 0;
out:
	if (pg) {
		PGresult *r = PQexec(pg, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")");
		PQclear(r);
		PQfinish(pg);
	}
	return status;
}

int admin_schema_check(const struct config *cfg, struct log *log)
{
	PGconn *pg = PQconnectdb(cfg->db_url);
	PGresult *r;
	char want[65], have[65];
	int status = 1, rc;

	if (PQstatus(pg) != CONNECTION_OK) {
		log_warn(
		    log,
		    "msg=\"database not reachable at start; serving 503 until it is\" error=\"%s\"",
		    PQerrorMessage(pg));
		PQfinish(pg);
		return 2;
	}
	r = PQexec(pg, "SELECT 1 FROM pg_namespace WHERE nspname = 'svk_meta'");
	rc = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	PQclear(r);
	if (!rc) {
		log_error(
		    log,
		    "msg=\"the database has no schema yet; run: samverkand -c CONFIG migrate\"");
		goto out;
	}
	for (size_t i = 0; i < svk_migrations_count; i++) {
		char sum[65], old[65];

		checksum(svk_migrations[i].text, sum);
		rc = recorded(pg, svk_migrations[i].name, old, log);
		if (rc < 0)
			goto out;
		if (rc == 0) {
			log_error(
			    log,
			    "msg=\"migrations are pending; run: samverkand -c CONFIG migrate\" "
			    "first_pending=%s",
			    svk_migrations[i].name);
			goto out;
		}
		if (!checksum_accepted(svk_migrations[i].name, old, sum)) {
			log_error(log,
				  "msg=\"an applied migration differs from this build\" file=%s",
				  svk_migrations[i].name);
			goto out;
		}
	}
	/* A database migrated by a build from before sql/functions has no
	 * svk_meta.functions: reading it fails, and migrate makes it. */
	admin_functions_checksum(want);
	r = PQexec(pg, "SELECT 1 FROM pg_class WHERE oid = to_regclass('svk_meta.functions')");
	rc = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	PQclear(r);
	if (rc)
		rc = value65(pg, "SELECT checksum FROM svk_meta.functions", 0, NULL, have, log);
	if (rc < 0)
		goto out;
	if (rc == 0 || strcmp(have, want) != 0) {
		log_error(log,
			  "msg=\"the database's functions are not this build's; run: "
			  "samverkand -c CONFIG migrate\" applied=%s build=%s",
			  rc == 0 ? "none" : have, want);
		goto out;
	}
	status = 0;
out:
	PQfinish(pg);
	return status;
}
