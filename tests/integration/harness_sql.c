/*
 * The harness's SQL side (see harness.h): what tests check in the database,
 * as the schema owner, or as the daemon's role samverkan_app when a test is
 * about what that role may do. Every value is a parameter.
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "harness_internal.h"

static void sqlres_free(void *p)
{
	struct sqlres *r = p;

	if (r->cells)
		for (int i = 0; i < r->nrows * r->ncols; i++)
			free(r->cells[i]);
	free(r->cells);
	free(r->error);
	free(r);
}

static PGconn *conn(struct env *e, enum sql_as as)
{
	void **slot = as == SQL_APP ? &e->pg_app : &e->pg_owner;
	const char *user = as == SQL_APP ? "samverkan_app" : getenv("SVK_TEST_PGUSER");
	PGconn *pg;

	if (*slot)
		return *slot;
	cr_assert(user, "SVK_TEST_PGUSER is not set: run the tests with ./tests/run");
	pg = PQconnectdb(harness_conninfo(e, e->db, user));
	if (PQstatus(pg) != CONNECTION_OK) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", PQerrorMessage(pg));
		PQfinish(pg);
		cr_assert_fail("cannot connect to %s as %s: %s", e->db, user, msg);
	}
	*slot = pg;
	return pg;
}

struct sqlres *sql_run(struct env *e, enum sql_as as, const char *const sql[])
{
	struct sqlres *r = calloc(1, sizeof *r);
	PGconn *pg = conn(e, as);
	const char *params[16];
	int n = 0;
	PGresult *pr;
	ExecStatusType st;
	const char *state, *msg;

	cr_assert(r, "out of memory");
	env_keep(e, r, sqlres_free);
	for (n = 0; sql[n + 1]; n++) {
		cr_assert(n < 16, "too many SQL parameters");
		params[n] = sql[n + 1];
	}
	pr = PQexecParams(pg, sql[0], n, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(pr);
	r->ok = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
	state = PQresultErrorField(pr, PG_DIAG_SQLSTATE);
	snprintf(r->sqlstate, sizeof r->sqlstate, "%s", state ? state : (r->ok ? "00000" : ""));
	msg = PQresultErrorMessage(pr);
	r->error = strdup(msg ? msg : "");
	if (!r->error) {
		PQclear(pr);
		cr_assert_fail("out of memory");
	}
	if (st == PGRES_TUPLES_OK) {
		r->nrows = PQntuples(pr);
		r->ncols = PQnfields(pr);
		r->cells = calloc((size_t)r->nrows * (size_t)r->ncols + 1, sizeof *r->cells);
		if (!r->cells) {
			PQclear(pr);
			cr_assert_fail("out of memory");
		}
		for (int i = 0; i < r->nrows; i++) {
			for (int j = 0; j < r->ncols; j++) {
				char **cell = &r->cells[i * r->ncols + j];
				if (PQgetisnull(pr, i, j))
					continue;
				*cell = strdup(PQgetvalue(pr, i, j));
				if (!*cell) {
					PQclear(pr);
					cr_assert_fail("out of memory");
				}
			}
		}
	}
	PQclear(pr);
	return r;
}

const char *sql_cell(const struct sqlres *r, int row, int col)
{
	if (row < 0 || col < 0 || row >= r->nrows || col >= r->ncols)
		return NULL;
	return r->cells[row * r->ncols + col];
}

const char *sql_value_v(struct env *e, const char *const sql[])
{
	struct sqlres *r = sql_run(e, SQL_OWNER, sql);

	cr_assert(r->ok, "%s: %s", sql[0], r->error);
	cr_assert(r->nrows >= 1 && r->ncols >= 1, "%s: no row", sql[0]);
	return sql_cell(r, 0, 0);
}

long sql_count_v(struct env *e, const char *const sql[])
{
	const char *v = sql_value_v(e, sql);
	char *end;
	long n;

	cr_assert(v, "%s: NULL", sql[0]);
	n = strtol(v, &end, 10);
	cr_assert(end != v && *end == '\0', "%s: not a number: %s", sql[0], v);
	return n;
}

const char *seed_plan(struct env *e, const char *municipality)
{
	return sql_value(e,
			 "SELECT p.id::text FROM svk.action_plans p "
			 "JOIN svk.organisations o ON o.id = p.municipality_id "
			 "JOIN svk.agreements a ON a.id = p.agreement_id "
			 "WHERE o.slug = $1 AND a.valid_from = '2023-01-01'",
			 municipality);
}

const char *agreement_in_force(struct env *e, int days)
{
	cr_assert(sql_query(e,
			    "UPDATE svk.agreements SET valid_to = svk.today() + $1::int "
			    "WHERE valid_from <= svk.today() AND valid_to < svk.today() + $1::int "
			    "AND valid_from = (SELECT max(valid_from) FROM svk.agreements "
			    "WHERE valid_from <= svk.today())",
			    strf(e, "%d", days))
		      ->ok);
	return sql_value(e, "SELECT max(valid_to)::text FROM svk.agreements "
			    "WHERE valid_from <= svk.today() AND valid_to >= svk.today()");
}

const char *seed_focus_area(struct env *e, int ordinal)
{
	return sql_value(e,
			 "SELECT f.id::text FROM svk.focus_areas f "
			 "JOIN svk.agreements a ON a.id = f.agreement_id "
			 "WHERE a.valid_from = '2023-01-01' AND f.ordinal = $1::int",
			 strf(e, "%d", ordinal));
}
