/*
 * The yearly follow-up and the audit log (SPEC §2, §3):
 * GET|PUT /v1/agreements/{id}/follow-ups/{year},
 * GET …/follow-ups/{year}/report, GET /v1/audit, GET /v1/audit/verify.
 *
 * The follow-up's ETag covers its texts and status only, not the
 * statistics computed when it is read: new incidents must not make an
 * edit in progress stale.
 */
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "validate.h"

/* The {year} path parameter (2000..2100), or -1 after recording why not (query.h). */
static int year_param(struct req *r, int i, char *buf, size_t len)
{
	const char *s = req_param(r, i);
	long y;

	if (!s || !validate_digits(s) || strlen(s) != 4 || (y = strtol(s, NULL, 10)) < 2000 ||
	    y > 2100) {
		req_query_error(r, "year", "must be a year 2000 to 2100");
		return -1;
	}
	snprintf(buf, len, "%ld", y);
	return 0;
}

/* Answers the follow-up of column 0 with the ETag of column 1. */
static void reply_follow_up(struct req *r, const struct db_result *res)
{
	const PGresult *pr = res->n > 0 ? res->res[0] : NULL;
	const char *doc, *etag;
	char quoted[48];

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	doc = pr && PQntuples(pr) == 1 ? db_get(pr, 0, 0) : NULL;
	etag = doc ? db_get(pr, 0, 1) : NULL;
	if (!doc || !etag) {
		req_problem(r, SVK_ERR_NOT_FOUND, "no such agreement");
		return;
	}
	snprintf(quoted, sizeof quoted, "\"%s\"", etag);
	evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "ETag", quoted);
	req_reply_json_text(r, 200, doc, NULL);
}

/* Not prefetched with the token lookup: the statistics are worth
 * computing only for a caller who may read them. */
void h_follow_up_get(struct req *r)
{
	const char *id = req_uuid_param(r, 0, "no such agreement");

	if (!id || year_param(r, 1, r->q.num[0], sizeof r->q.num[0]) != 0) {
		req_problem_query(r);
		return;
	}
	const char *p[3] = { id, r->q.num[0], r->auth.actor.p.organisation_party ? "t" : "f" };
	req_db1(r, SQL_FOLLOW_UP_GET, 3, p, reply_follow_up);
}

const struct jf_field follow_up_fields[] = {
	{ .name = "collaboration", .type = JF_STRING, .empty = true, .max = 50000 },
	{ .name = "implementation", .type = JF_STRING, .empty = true, .max = 50000 },
	{ .name = "results", .type = JF_STRING, .empty = true, .max = 50000 },
	{ .name = "oral", .type = JF_BOOL },
};
const size_t follow_up_fields_count = sizeof follow_up_fields / sizeof follow_up_fields[0];

void h_follow_up_put(struct req *r)
{
	const char *id = req_uuid_param(r, 0, "no such agreement"), *body;

	if (!id || year_param(r, 1, r->q.num[0], sizeof r->q.num[0]) != 0) {
		req_problem_query(r);
		return;
	}
	if (!req_body_ok(r, follow_up_fields, follow_up_fields_count))
		return;
	body = req_body_text(r);
	if (!body) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	const char *p[5] = { r->auth.actor.user_id, id, r->q.num[0], body, req_if_match(r) };
	req_write1(r, SQL_FOLLOW_UP_PUT, 5, p, reply_follow_up);
}

/* ---- the report ----------------------------------------------------------- */

static void report_loaded(struct req *r, const struct db_result *res)
{
	const PGresult *pr = res->n > 0 ? res->res[0] : NULL;
	const char *accept = evhttp_find_header(evhttp_request_get_input_headers(r->ereq),
						"Accept");
	int f = report_format_choose(accept, req_query(r, "format"));
	struct strbuf out;
	json_t *fu;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	switch (report_row_render(pr, (enum report_format)f, &out, &fu)) {
	case REPORT_ROW_OK:
		break;
	case REPORT_ROW_NONE:
		req_problem(r, SVK_ERR_NOT_FOUND, "no such agreement");
		return;
	case REPORT_ROW_UNREADABLE:
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
		return;
	default:
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	json_decref(fu);
	req_reply_text(r, 200, report_content_type((enum report_format)f), out.data, out.len, NULL);
	strbuf_cleanup(&out);
}

void h_follow_up_report(struct req *r)
{
	const char *id = req_uuid_param(r, 0, "no such agreement");

	if (!id || year_param(r, 1, r->q.num[0], sizeof r->q.num[0]) != 0) {
		req_problem_query(r);
		return;
	}
	if (report_format_choose(NULL, req_query(r, "format")) < 0) {
		req_problem_field(r, "format", "must be md, html or csv");
		return;
	}
	const char *p[3] = { id, r->q.num[0], r->auth.actor.p.organisation_party ? "t" : "f" };
	req_db1(r, SQL_FOLLOW_UP_REPORT, 3, p, report_loaded);
}

/* ---- the audit log ---------------------------------------------------------- */

static void audit_verified(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no result", NULL);
}

/* A walk over the whole log: only for those who may read it, so not
 * prefetched. */
void h_audit_verify(struct req *r)
{
	req_db1(r, SQL_AUDIT_VERIFY, 0, NULL, audit_verified);
}
