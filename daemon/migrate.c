/*
 * `samverkand migrate` and the start-up schema check (see admin.h).
 *
 * Migrations are the files of sql/migrations, embedded at build time and
 * applied in name order under an advisory lock (so two operators or two
 * servers cannot run them at once), each in its own transaction, recorded
 * with its SHA-256. A recorded migration whose file changed is refused:
 * the database would no longer match what the file says.
 */
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "config.h"
#include "log.h"
#include "sqltext.h"

extern const struct sql_text svk_migrations[];
extern const size_t svk_migrations_count;

#define MIGRATE_LOCK_KEY "7417000101"

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

/* The recorded checksum of name into out; 1 found, 0 not, -1 error. */
static int recorded(PGconn *pg, const char *name, char out[65], struct log *log)
{
	const char *params[1] = { name };
	PGresult *r = PQexecParams(pg, "SELECT checksum FROM svk_meta.migrations WHERE name = $1",
				   1, NULL, params, NULL, NULL, 0);
	int rc = -1;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		log_error(log, "msg=\"cannot read applied migrations\" error=\"%s\"",
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

static int apply_one(PGconn *pg, const struct sql_text *m, const char *sum, struct log *log)
{
	const char *params[2] = { m->name, sum };
	PGresult *r;

	if (exec_ok(pg, "BEGIN", log, "begin") != 0)
		return -1;
	r = PQexec(pg, m->text);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		log_error(log, "msg=\"migration failed, nothing of it applied\" file=%s error=\"%s\"",
			  m->name, PQresultErrorMessage(r));
		PQclear(r);
		exec_ok(pg, "ROLLBACK", log, "rollback");
		return -1;
	}
	PQclear(r);
	r = PQexecParams(pg, "INSERT INTO svk_meta.migrations (name, checksum) VALUES ($1, $2)",
			 2, NULL, params, NULL, NULL, 0);
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

int admin_migrate(const struct config *cfg, struct log *log)
{
	PGconn *pg = NULL;
	int status = 1, applied = 0;

	if (sodium_init() < 0)
		return 1;
	if (!cfg->db_admin_url[0]) {
		log_error(log, "msg=\"set [database] admin_url (a role that owns the schema) to migrate\"");
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
	    exec_ok(pg, "CREATE TABLE IF NOT EXISTS svk_meta.migrations ("
			"name text PRIMARY KEY, checksum text NOT NULL, "
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
			if (strcmp(old, sum) != 0) {
				log_error(log, "msg=\"an applied migration has changed; restore the file "
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
	/* The daemon's role reads the applied list to know the schema is current. */
	if (exec_ok(pg, "GRANT USAGE ON SCHEMA svk_meta TO samverkan_app", log, "grant") != 0 ||
	    exec_ok(pg, "GRANT SELECT ON svk_meta.migrations TO samverkan_app", log, "grant") != 0)
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
	int status = 1;

	if (PQstatus(pg) != CONNECTION_OK) {
		log_warn(log, "msg=\"database not reachable at start; serving 503 until it is\" error=\"%s\"",
			 PQerrorMessage(pg));
		PQfinish(pg);
		return 2;
	}
	for (size_t i = 0; i < svk_migrations_count; i++) {
		char sum[65], old[65];
		int rc;
		PGresult *r = PQexec(pg, "SELECT 1 FROM pg_namespace WHERE nspname = 'svk_meta'");
		int has_meta = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
		PQclear(r);
		if (!has_meta) {
			log_error(log, "msg=\"the database has no schema yet; run: samverkand -c CONFIG migrate\"");
			goto out;
		}
		checksum(svk_migrations[i].text, sum);
		rc = recorded(pg, svk_migrations[i].name, old, log);
		if (rc < 0)
			goto out;
		if (rc == 0) {
			log_error(log, "msg=\"migrations are pending; run: samverkand -c CONFIG migrate\" "
				       "first_pending=%s", svk_migrations[i].name);
			goto out;
		}
		if (strcmp(old, sum) != 0) {
			log_error(log, "msg=\"an applied migration differs from this build\" file=%s",
				  svk_migrations[i].name);
			goto out;
		}
	}
	status = 0;
out:
	PQfinish(pg);
	return status;
}
