/*
 * The one builder and the one reply of the declarative reads (read.h).
 */
#include "read.h"

#include <event2/http.h>
#include <string.h>

#include "request.h"

bool req_wants_csv(struct req *r)
{
	const char *accept = evhttp_find_header(evhttp_request_get_input_headers(r->ereq),
						"Accept");

	return accept && strstr(accept, "text/csv") != NULL;
}

/* The value of one argument; *bad when it failed its check. */
static const char *arg_value(struct req *r, const struct read_spec *spec, const struct read_arg *a,
			     bool *bad)
{
	const char *v = NULL;
	int rc = 0;

	switch (a->kind) {
	case RA_PATH:
		return req_param(r, a->index);
	case RA_PATH_UUID:
		v = req_uuid_param(r, a->index, spec->not_found);
		*bad = v == NULL;
		return v;
	case RA_PATH_INT:
		v = req_param(r, a->index);
		*bad = !v || !v[0] || strlen(v) > 9 || strspn(v, "0123456789") != strlen(v);
		if (*bad && !r->q.err_not_found) {
			r->q.err_not_found = true;
			r->q.err_message = spec->not_found;
		}
		return *bad ? NULL : v;
	case RA_LIMIT:
		v = req_limit_text(r);
		*bad = v == NULL;
		return v;
	case RA_CURSOR:
		return req_query(r, "cursor");
	case RA_CURSOR_SEQ:
		rc = req_cursor_seq(r, &v);
		break;
	case RA_CURSOR_TS:
		rc = req_cursor_time(r, &v);
		break;
	case RA_TEXT:
		return req_query(r, a->name);
	case RA_SLUG:
		rc = req_slug_query(r, a->name, &v);
		break;
	case RA_UUID:
		rc = req_uuid_query(r, a->name, &v);
		break;
	case RA_DATE:
		rc = req_date_query(r, a->name, &v);
		break;
	case RA_BOOL:
		rc = req_bool_query(r, a->name, &v);
		break;
	case RA_ENUM:
		rc = req_enum_query(r, a->name, a->choices, &v);
		break;
	case RA_TOKEN:
		return r->auth.token_hash;
	case RA_END:
		break;
	}
	*bad = rc != 0;
	return v;
}

int read_build(struct req *r, const struct read_spec *spec, struct db_call *call)
{
	bool failed = false;
	int n = 0;

	memset(call, 0, sizeof *call);
	call->stmt = spec->csv_stmt && req_wants_csv(r) ? spec->csv_stmt : spec->stmt;
	for (; n < DB_MAX_PARAMS && spec->args[n].kind != RA_END; n++) {
		bool bad = false;
		call->params[n] = arg_value(r, spec, &spec->args[n], &bad);
		failed = failed || bad;
	}
	call->nparams = n;
	return failed ? -1 : 0;
}

void read_reply(struct req *r, const struct read_spec *spec, const struct db_result *res)
{
	if (spec->reply) {
		spec->reply(r, res);
		return;
	}
	req_reply_row(r, res, 0, 200, spec->not_found ? spec->not_found : "no result", NULL);
}
