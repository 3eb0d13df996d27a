/*
 * Swedish local time and numbers (see swetime.h). The rule is computed
 * rather than read from the zone database, so that a table shows the
 * same times whatever TZ the user's shell has and whether or not tzdata
 * is installed; the daemon's PostgreSQL uses Europe/Stockholm, which
 * follows the same rule for every date the system holds.
 */
#include "swetime.h"
#include "swezone.h"

#include <stdio.h>
#include <string.h>

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int swetime_local(const char *s, char *out, size_t outlen)
{
	struct tm tm = { 0 }, local;
	int y, mo, d, h, mi, sec, off = 0;
	const char *p;
	time_t t;

	if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || outlen < SWETIME_LEN)
		return -1;
	y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    sec < 0 || sec > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh = digits(p + 1, 2), om = digits(p + 4, 2);

		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return -1;
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
	} else {
		return -1;
	}
	tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
	tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	t -= off;
	t += swezone_offset(t);
	if (!gmtime_r(&t, &local) || strftime(out, outlen, "%Y-%m-%d %H:%M", &local) == 0)
		return -1;
	return 0;
}

const char *swetime_text(const char *s, char *buf, size_t buflen)
{
	return s && swetime_local(s, buf, buflen) == 0 ? buf : s;
}

int swetime_decimal(struct strbuf *sb, double d)
{
	char text[64];
	char *dot;

	if (snprintf(text, sizeof text, "%.15g", d) >= (int)sizeof text)
		return -1;
	dot = strchr(text, '.');
	if (dot)
		*dot = ',';
	return strbuf_puts(sb, text);
}
