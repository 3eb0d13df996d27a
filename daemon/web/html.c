/*
 * HTML writers (see html.h).
 */
#include "html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "swezone.h"

static void put(struct html *h, const char *s, size_t n)
{
	if (h->oom || n == 0)
		return;
	if (h->len + n + 1 > h->cap) {
		size_t cap = h->cap ? h->cap : 4096;
		char *nb;

		while (cap < h->len + n + 1)
			cap *= 2;
		nb = realloc(h->buf, cap);
		if (!nb) {
			h->oom = true;
			return;
		}
		h->buf = nb;
		h->cap = cap;
	}
	memcpy(h->buf + h->len, s, n);
	h->len += n;
	h->buf[h->len] = '\0';
}

void html_raw(struct html *h, const char *s)
{
	if (s)
		put(h, s, strlen(s));
}

void html_txt(struct html *h, const char *s)
{
	const char *start = s;

	if (!s)
		return;
	for (; *s; s++) {
		const char *rep = NULL;

		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		put(h, start, (size_t)(s - start));
		html_raw(h, rep);
		start = s + 1;
	}
	put(h, start, (size_t)(s - start));
}

void html_attr(struct html *h, const char *s)
{
	html_txt(h, s);
}

void html_long(struct html *h, long v)
{
	char n[24];

	snprintf(n, sizeof n, "%ld", v);
	html_raw(h, n);
}

static const char *const months[12] = { "januari",   "februari", "mars",     "april",
					"maj",       "juni",     "juli",     "augusti",
					"september", "oktober",  "november", "december" };

/* A UTC timestamp "YYYY-MM-DDTHH:MM:SSZ" (svk.ts) as the Swedish local
 * date it fell on, into y/m/d; false for anything else. The rule is
 * computed (common/swezone.c), whatever the daemon's TZ. */
static bool swedish_day(const char *iso, int *y, int *m, int *d)
{
	struct tm tm = { 0 };
	int hh, mi, ss, n = 0;
	time_t t;

	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", y, m, d, &hh, &mi, &ss, &n) != 6 || n != 20 ||
	    iso[n] != '\0')
		return false;
	tm.tm_year = *y - 1900;
	tm.tm_mon = *m - 1;
	tm.tm_mday = *d;
	tm.tm_hour = hh;
	tm.tm_min = mi;
	tm.tm_sec = ss;
	t = timegm(&tm);
	t += swezone_offset(t);
	if (!gmtime_r(&t, &tm))
		return false;
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
	return true;
}

void html_date(struct html *h, const char *iso)
{
	int y, m, d;
	char tail;

	if (!iso)
		return;
	if (strlen(iso) < 10 ||
	    (!swedish_day(iso, &y, &m, &d) &&
	     sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &tail) < 3) ||
	    m < 1 || m > 12 || d < 1 || d > 31) {
		html_txt(h, iso);
		return;
	}
	html_long(h, d);
	html_raw(h, " ");
	html_raw(h, months[m - 1]);
	html_raw(h, " ");
	html_long(h, y);
}

void html_free(struct html *h)
{
	free(h->buf);
	h->buf = NULL;
	h->len = h->cap = 0;
}
