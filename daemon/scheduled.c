/*
 * `samverkand notify-scheduled [--now TIMESTAMP]`: queues the scheduled
 * notifications due as of TIMESTAMP (default: now) that have not been
 * queued before (svk.notify_scheduled, sql/functions/notify_scheduled.sql)
 * and prints how many mails it queued of each kind. The daemon's sender
 * does the same every few minutes; this runs it once, for an operator
 * (or a test) that wants it now or as of another moment.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "config.h"
#include "log.h"
#include "sql_names.h"
#include "sqltext.h"

extern const struct sql_text svk_queries[];
extern const size_t svk_queries_count;

int admin_notify_scheduled(const struct config *cfg, struct log *log, const char *now)
{
	const char *text = NULL;
	PGconn *pg = PQconnectdb(cfg->db_url);
	PGresult *r = NULL;
	long total = 0;
	int status = 1;

	for (size_t i = 0; i < svk_queries_count; i++)
		if (strcmp(svk_queries[i].name, SQL_NOTIFY_SCHEDULED) == 0)
			text = svk_queries[i].text;
	if (PQstatus(pg) != CONNECTION_OK) {
		log_error(log, "msg=\"cannot connect to the database\" error=\"%s\"",
			  PQerrorMessage(pg));
		goto out;
	}
	if (!text) {
		log_error(log, "msg=\"notify-scheduled: statement missing\"");
		goto out;
	}
	r = PQexecParams(pg, text, 1, NULL, (const char *const[]){ now }, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "samverkand: notify-scheduled: %s", PQresultErrorMessage(r));
		/* A --now PostgreSQL cannot read is a usage error. */
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		status = state && strncmp(state, "22", 2) == 0 ? 2 : 1;
		goto out;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		printf("%s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
		total += strtol(PQgetvalue(r, i, 1), NULL, 10);
	}
	printf("queued %ld mails\n", total);
	log_info(log, "msg=\"scheduled notifications queued\" mails=%ld", total);
	status = 0;
out:
	PQclear(r);
	PQfinish(pg);
	return status;
}
