/*
 * The query string and its checks (see query.h). Each check either gives
 * the value (or NULL when absent) or records the first problem, which the
 * pipeline answers once the caller is known.
 */
#include "query.h"

#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "jsonfields.h"
#include "request.h"
#include "validate.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 500

const char *req_query(struct req *r, const char *name)
{
	struct req_query *q = &r->q;

	if (!q->parsed) {
		const char *s = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(r->ereq));
		TAILQ_INIT(&q->kv);
		q->parsed = true;
		if (s && evhttp_parse_query_str(s, &q->kv) != 0)
			return NULL;
	}
	return evhttp_find_header(&q->kv, name);
}

void req_query_cleanup(struct req *r)
{
	if (r->q.parsed)
		evhttp_clear_headers(&r->q.kv);
	r->q.parsed = false;
}

void req_query_error(struct req *r, const char *name, const char *message)
{
	/* The first problem is the one answered. */
	if (r->q.err_field || r->q.err_not_found)
		return;
	r->q.err_field = name;
	r->q.err_message = message;
}

int req_limit_value(struct req *r)
{
	const char *s = req_query(r, "limit");
	char *end;
	long v;

	if (!s)
		return LIMIT_DEFAULT;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || v < 1 || v > LIMIT_MAX) {
		req_query_error(r, "limit", "must be a whole number from 1 to 500");
		return -1;
	}
	return (int)v;
}

const char *req_limit_text(struct req *r)
{
	int n = req_limit_value(r);
	char *buf = r->q.num[0];

	if (n < 0)
		return NULL;
	snprintf(buf, sizeof r->q.num[0], "%d", n);
	return buf;
}

int req_cursor_seq(struct req *r, const char **out)
{
	const char *s = req_query(r, "cursor");

	*out = NULL;
	if (!s)
		return 0;
	if (!validate_digits(s)) {
		req_query_error(r, "cursor", "is not a cursor this list gave out");
		return -1;
	}
	*out = s;
	return 0;
}

/* 1 to 18 digits (a bigint) from s; the length read, or 0. */
static size_t bigint_digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n <= 18 ? n : 0;
}

int req_cursor_time(struct req *r, const char **out)
{
	const char *s = req_query(r, "cursor"), *p;
	size_t n;

	*out = NULL;
	if (!s)
		return 0;
	p = s + (s[0] == '-');
	n = bigint_digits(p);
	if (n == 0 || p[n] != '.' || bigint_digits(p + n + 1) == 0 ||
	    p[n + 1 + bigint_digits(p + n + 1)] != '\0') {
		req_query_error(r, "cursor", "is not a cursor this list gave out");
		return -1;
	}
	*out = s;
	return 0;
}

const char *req_uuid_param(struct req *r, int i, const char *what)
{
	const char *s = req_param(r, i);

	if (s && validate_uuid(s))
		return s;
	if (!r->q.err_not_found) {
		r->q.err_not_found = true;
		r->q.err_message = what;
	}
	return NULL;
}

/* ?name= absent or passing ok(); -1 records message. */
static int checked(struct req *r, const char *name, bool (*ok)(const char *), const char *message,
		   const char **out)
{
	const char *s = req_query(r, name);

	*out = s;
	if (!s || ok(s))
		return 0;
	req_query_error(r, name, message);
	return -1;
}

int req_uuid_query(struct req *r, const char *name, const char **out)
{
	return checked(r, name, validate_uuid, "must be an id (a UUID)", out);
}

int req_slug_query(struct req *r, const char *name, const char **out)
{
	return checked(r, name, validate_slug, "must be a slug (lowercase letters, digits and '-')",
		       out);
}

int req_date_query(struct req *r, const char *name, const char **out)
{
	const char *s = req_query(r, name);

	if (s && !validate_date(s) && validate_date_shape(s)) {
		*out = s;
		req_query_error(r, name, "no such date (that day is not in the calendar)");
		return -1;
	}
	return checked(r, name, validate_date, "must be a date YYYY-MM-DD", out);
}

static bool is_bool(const char *s)
{
	return strcmp(s, "true") == 0 || strcmp(s, "false") == 0;
}

int req_bool_query(struct req *r, const char *name, const char **out)
{
	return checked(r, name, is_bool, "must be true or false", out);
}

int req_enum_query(struct req *r, const char *name, const char *choices, const char **out)
{
	const char *s = req_query(r, name);
	size_t o;

	*out = s;
	if (!s || jf_in_choices(choices, s))
		return 0;
	if (r->q.err_field || r->q.err_not_found)
		return -1;
	/* "a|b|c" → "must be one of: a, b, c" */
	o = (size_t)snprintf(r->q.err_buf, sizeof r->q.err_buf, "must be one of: ");
	for (const char *c = choices; *c && o + 3 < sizeof r->q.err_buf; c++) {
		if (*c == '|') {
			r->q.err_buf[o++] = ',';
			r->q.err_buf[o++] = ' ';
		} else {
			r->q.err_buf[o++] = *c;
		}
	}
	r->q.err_buf[o] = '\0';
	req_query_error(r, name, r->q.err_buf);
	return -1;
}

void req_problem_query(struct req *r)
{
	if (r->q.err_not_found) {
		req_problem(r, SVK_ERR_NOT_FOUND,
			    r->q.err_message ? r->q.err_message : "not found");
		return;
	}
	req_problem_field(r, r->q.err_field ? r->q.err_field : "query",
			  r->q.err_message ? r->q.err_message : "is not valid");
}
