/*
 * `samverkand purge`: retention (gallring, SPEC §6). Incidents that
 * occurred more than [retention] incident_years ago are deleted in batches
 * of BATCH rows, each batch its own short transaction so that reporting
 * goes on meanwhile. The run's one audit entry (cut-off and count) is
 * committed before the first batch, and the batches delete only what it
 * counted, so nothing is deleted that the log does not record.
 *
 * Then what authentication leaves behind: expired tokens, idle
 * failed-login counters and idempotency answers older than 24 hours
 * (svk.purge_expired), with an audit entry naming the counts; and the
 * outbox's mails sent or failed more than 90 days ago (svk.outbox_purge).
 */
#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "admin.h"
#include "config.h"
#include "log.h"

#define BATCH "10000"

/* The single value of a one-row result, or NULL after logging the error. */
static PGresult *exec1(PGconn *pg, struct log *log, const char *sql, int n,
		       const char *const *params)
{
	PGresult *r = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		log_error(log, "msg=\"purge failed\" error=\"%s\"", PQresultErrorMessage(r));
		PQclear(r);
		return NULL;
	}
	return r;
}

/* Expired tokens, idle login counters, old idempotency answers: 0 or 1. */
static int purge_expired(PGconn *pg, struct log *log, bool dry_run)
{
	const char *p[1] = { dry_run ? "true" : "false" };
	PGresult *r = exec1(pg, log, "SELECT svk.purge_expired($1::boolean)", 1, p);
	json_t *counts;
	long long tokens, failures, keys;

	if (!r)
		return 1;
	counts = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
	PQclear(r);
	if (!counts) {
		log_error(log, "msg=\"purge failed\" error=\"cannot read the counts\"");
		return 1;
	}
	tokens = json_integer_value(json_object_get(counts, "tokens"));
	failures = json_integer_value(json_object_get(counts, "login_failures"));
	keys = json_integer_value(json_object_get(counts, "idempotency_keys"));
	json_decref(counts);
	printf("%s %lld expired tokens, %lld failed-login counters idle for a day and %lld "
	       "idempotency answers older than 24 hours\n",
	       dry_run ? "would delete" : "deleted", tokens, failures, keys);
	if (!dry_run)
		log_info(log,
			 "msg=\"expired authentication data purged\" tokens=%lld "
			 "login_failures=%lld idempotency_keys=%lld",
			 tokens, failures, keys);
	return 0;
}

/* The outbox's mails sent or failed more than 90 days ago: 0 or 1. */
static int purge_outbox(PGconn *pg, struct log *log, bool dry_run)
{
	const char *p[1] = { dry_run ? "true" : "false" };
	PGresult *r = exec1(pg, log, "SELECT svk.outbox_purge($1::boolean)", 1, p);
	long long n;

	if (!r)
		return 1;
	n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	printf("%s %lld e-mails sent or failed more than 90 days ago\n",
	       dry_run ? "would delete" : "deleted", n);
	if (!dry_run)
		log_info(log, "msg=\"old e-mails purged\" mails=%lld", n);
	return 0;
}

int admin_purge(const struct config *cfg, struct log *log, int dry_run)
{
	PGconn *pg = PQconnectdb(cfg->db_url);
	PGresult *r = NULL;
	json_t *plan = NULL;
	char years[16];
	long long planned, deleted = 0, n;
	int status = 1;

	if (PQstatus(pg) != CONNECTION_OK) {
		log_error(log, "msg=\"cannot connect to the database\" error=\"%s\"",
			  PQerrorMessage(pg));
		goto out;
	}
	snprintf(years, sizeof years, "%d", cfg->incident_years);
	const char *sp[2] = { years, dry_run ? "true" : "false" };
	r = exec1(pg, log, "SELECT svk.incident_purge_start($1::int, $2::boolean)", 2, sp);
	if (!r)
		goto out;
	plan = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
	PQclear(r);
	r = NULL;
	if (!plan) {
		log_error(log, "msg=\"purge failed\" error=\"cannot read the plan\"");
		goto out;
	}
	planned = json_integer_value(json_object_get(plan, "count"));
	if (dry_run) {
		printf("%lld incidents occurred before %s and would be deleted\n", planned,
		       json_string_value(json_object_get(plan, "cutoff")));
		status = purge_expired(pg, log, true) | purge_outbox(pg, log, true);
		goto out;
	}
	const char *bp[3] = { json_string_value(json_object_get(plan, "cutoff")),
			      json_string_value(json_object_get(plan, "reported_before")), BATCH };
	do {
		r = exec1(pg, log,
			  "SELECT svk.incident_purge_batch($1::timestamptz, "
			  "$2::timestamptz, $3::int)",
			  3, bp);
		if (!r)
			goto out;
		n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		r = NULL;
		deleted += n;
	} while (n > 0);
	log_info(log, "msg=\"incidents purged\" retention_years=%d cutoff=%s deleted=%lld",
		 cfg->incident_years, bp[0], deleted);
	printf("deleted %lld incidents that occurred before %s\n", deleted, bp[0]);
	status = purge_expired(pg, log, false) | purge_outbox(pg, log, false);
out:
	json_decref(plan);
	PQfinish(pg);
	return status;
}
