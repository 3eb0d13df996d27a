/*
 * Query strings: a request target "PATH?QUERY" is matched against the
 * route table, its query string parsed as the daemon parses it
 * (evhttp_parse_query_str into the request's struct req_query), and the
 * declarative read's builder (daemon/read.c with daemon/query.c: limits,
 * cursors, dates, ids, slugs, booleans, enums) runs over it. Then every
 * query value goes through the common validators (common/validate.c,
 * common/isoweek.c), each compared with a reference built on other
 * ground: the C library's calendar (timegm, strftime's %G-W%V) for dates
 * and ISO weeks, a code-point decoder for UTF-8, character classes for
 * the rest. A disagreement aborts.
 *
 * Input: a flag byte (bit 0: Accept: text/csv), then the request target.
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "isoweek.h"
#include "read.h"
#include "request.h"
#include "routes.h"
#include "validate.h"

static void fail(const char *what, const char *value)
{
	fprintf(stderr, "%s disagrees with the reference on \"%s\"\n", what, value);
	abort();
}

static bool digits_at(const char *s, size_t from, size_t n)
{
	for (size_t i = from; i < from + n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The value of n digits at s + from (digits_at has checked them). */
static int digits_value(const char *s, size_t from, size_t n)
{
	int v = 0;

	for (size_t i = from; i < from + n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* A ?limit= the read builder passed on: 1 to 500, digits only. */
static bool limit_ok(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && v >= 1 && v <= 500;
}

static struct tm day_tm(int year, int month, int day)
{
	struct tm tm = {
		.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day, .tm_hour = 12
	};
	time_t t = timegm(&tm);

	if (!gmtime_r(&t, &tm))
		abort();
	return tm;
}

static bool ref_date(const char *s)
{
	int y, m, d;
	struct tm tm;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits_at(s, 0, 4) ||
	    !digits_at(s, 5, 2) || !digits_at(s, 8, 2))
		return false;
	y = digits_value(s, 0, 4);
	m = digits_value(s, 5, 2);
	d = digits_value(s, 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	tm = day_tm(y, m, d);
	return tm.tm_year == y - 1900 && tm.tm_mon == m - 1 && tm.tm_mday == d;
}

static bool ref_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return false;
	}
	return true;
}

static bool ref_name(const char *s, size_t min, const char *extra)
{
	size_t n = strlen(s);

	if (n < min || n > 63 || !s[0] || !strchr("abcdefghijklmnopqrstuvwxyz0123456789", s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789", s[i]) && !strchr(extra, s[i]))
			return false;
	return true;
}

/* Decodes code points; false for what RFC 3629 does not allow. */
static bool ref_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned cp;
		size_t n;

		if (s[i] < 0x80) {
			i++;
			continue;
		} else if ((s[i] & 0xE0) == 0xC0) {
			cp = s[i] & 0x1F;
			n = 1;
		} else if ((s[i] & 0xF0) == 0xE0) {
			cp = s[i] & 0x0F;
			n = 2;
		} else if ((s[i] & 0xF8) == 0xF0) {
			cp = s[i] & 0x07;
			n = 3;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return false;
		i += n + 1;
	}
	return true;
}

/* "YYYY-Www" of a day, from strftime's ISO year (%G) and week (%V). */
static void iso_week_text(const struct tm *tm, char *out, size_t len)
{
	char buf[32];
	int y = 0, w = 0;

	strftime(buf, sizeof buf, "%G %V", tm);
	if (sscanf(buf, "%d %d", &y, &w) != 2)
		abort();
	snprintf(out, len, "%04d-W%02d", y, w);
}

/* "YYYY-Www" that strftime gives a day of that week. */
static bool ref_isoweek(const char *s)
{
	int y, w;
	struct tm jan4;
	char out[32];

	if (strlen(s) != 8 || s[4] != '-' || s[5] != 'W' || !digits_at(s, 0, 4) ||
	    !digits_at(s, 6, 2))
		return false;
	y = digits_value(s, 0, 4);
	w = digits_value(s, 6, 2);
	if (y < 1 || w < 1 || w > 53)
		return false;
	/* 4 January is in week 1; the Thursday of week w is 7(w-1) days
	 * after week 1's Thursday. */
	jan4 = day_tm(y, 1, 4);
	jan4 = day_tm(y, 1, 4 + 3 - (jan4.tm_wday + 6) % 7 + 7 * (w - 1));
	iso_week_text(&jan4, out, sizeof out);
	return strcmp(out, s) == 0;
}

static void check_isoweek(const char *v)
{
	int y = 0, w = 0;
	bool ok = isoweek_parse(v, &y, &w, NULL) == 0;
	char out[32], back[16];
	struct isodate monday;
	struct tm tm;
	int y2, w2;

	if (ok != ref_isoweek(v))
		fail("isoweek_parse", v);
	if (!ok)
		return;
	monday = isoweek_monday(y, w);
	tm = day_tm(monday.year, monday.month, monday.day);
	iso_week_text(&tm, out, sizeof out);
	isoweek_of(monday, &y2, &w2);
	isoweek_format(y2, w2, back, sizeof back);
	if (tm.tm_wday != 1 || strcmp(out, v) != 0 || strcmp(back, v) != 0)
		fail("isoweek_monday/isoweek_of", v);
}

static void check_value(const char *v)
{
	size_t len = strlen(v);
	bool offset;

	if (validate_date(v) != ref_date(v))
		fail("validate_date", v);
	if (validate_date(v) && !validate_date_shape(v))
		fail("validate_date_shape", v);
	if (validate_uuid(v) != ref_uuid(v))
		fail("validate_uuid", v);
	if (validate_slug(v) != ref_name(v, 1, "-"))
		fail("validate_slug", v);
	if (validate_username(v) != ref_name(v, 2, "._-"))
		fail("validate_username", v);
	if (validate_utf8(v, len) != ref_utf8((const unsigned char *)v, len))
		fail("validate_utf8", v);
	if (validate_digits(v) != (len >= 1 && len <= 18 && strspn(v, "0123456789") == len))
		fail("validate_digits", v);
	if (validate_timestamp(v, &offset)) {
		char date[11];

		bool zone = v[len - 1] == 'Z' || v[len - 1] == 'z' ||
			    (len > 16 && (v[len - 6] == '+' || v[len - 6] == '-'));

		snprintf(date, sizeof date, "%s", v);
		if (!ref_date(date) || len < 16 || offset != zone)
			fail("validate_timestamp", v);
	}
	check_isoweek(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req *r;
	char *target, *query;
	unsigned allow;
	struct evkeyval *kv;

	if (size < 1 || size > 4096)
		return 0;
	r = calloc(1, sizeof *r);
	target = strndup((const char *)data + 1, size - 1);
	if (!r || !target)
		abort();
	r->ereq = evhttp_request_new(NULL, NULL);
	if (!r->ereq)
		abort();
	if (data[0] & 1)
		evhttp_add_header(evhttp_request_get_input_headers(r->ereq), "Accept", "text/csv");
	snprintf(r->auth.token_hash, sizeof r->auth.token_hash, "%064d", 0);
	query = strchr(target, '?');
	if (query)
		*query++ = '\0';
	/* The query string as req_query would parse it from the URI. */
	TAILQ_INIT(&r->q.kv);
	r->q.parsed = true;
	if (query && evhttp_parse_query_str(query, &r->q.kv) != 0)
		goto out;
	r->method = M_GET;
	r->route = router_match(svk_routes, svk_routes_count, M_GET, target, r->segbuf,
				sizeof r->segbuf, r->params, &allow);
	if (r->route && r->route->read) {
		struct db_call call;
		int rc = read_build(r, r->route->read, &call);
		bool recorded = r->q.err_field || r->q.err_not_found;

		if ((rc != 0) != recorded)
			fail("read_build", target);
		for (int i = 0; rc == 0 && i < call.nparams; i++)
			if (r->route->read->args[i].kind == RA_LIMIT && !limit_ok(call.params[i]))
				fail("?limit=", call.params[i]);
	}
	TAILQ_FOREACH (kv, &r->q.kv, next)
		check_value(kv->value);
out:
	req_query_cleanup(r);
	evhttp_request_free(r->ereq);
	free(target);
	free(r);
	return 0;
}
