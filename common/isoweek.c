/*
 * ISO week arithmetic through day numbers: days_from_civil() and its
 * inverse (Howard Hinnant's algorithms, public domain) turn dates into a
 * count of days since 1970-01-01 and back, and everything else is
 * addition and remainder on that count.
 */
#include "isoweek.h"

#include <stdio.h>
#include <string.h>

static long days_from_civil(int y, int m, int d)
{
	long yy = (long)y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static struct isodate civil_from_days(long z)
{
	struct isodate r;
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	r.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.year = (int)(yoe + era * 400 + (r.month <= 2));
	return r;
}

/* 0 = Monday .. 6 = Sunday; 1970-01-01 was a Thursday. */
static int weekday(long days)
{
	long w = (days + 3) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

/* Day number of the Monday of week 1 of ISO year y: the week of 4 January. */
static long week1_monday(int year)
{
	long jan4 = days_from_civil(year, 1, 4);

	return jan4 - weekday(jan4);
}

int isoweek_weeks_in_year(int year)
{
	return (int)((week1_monday(year + 1) - week1_monday(year)) / 7);
}

int isoweek_parse(const char *s, int *year, int *week, const char **why)
{
	const char *shape = "must be an ISO week YYYY-Www, e.g. 2026-W07";
	int y = 0, w = 0;

	if (!s || strlen(s) != 8 || s[4] != '-' || s[5] != 'W') {
		if (why)
			*why = shape;
		return -1;
	}
	for (int i = 0; i < 8; i++) {
		if (i == 4 || i == 5)
			continue;
		if (s[i] < '0' || s[i] > '9') {
			if (why)
				*why = shape;
			return -1;
		}
		if (i < 4)
			y = y * 10 + (s[i] - '0');
		else
			w = w * 10 + (s[i] - '0');
	}
	if (y < 1 || w < 1 || w > isoweek_weeks_in_year(y)) {
		if (why)
			*why = w == 53 ? "that year has only 52 ISO weeks"
				       : "the week must be 01 to 52 (53 in some years)";
		return -1;
	}
	*year = y;
	*week = w;
	return 0;
}

struct isodate isoweek_monday(int year, int week)
{
	return civil_from_days(week1_monday(year) + 7L * (week - 1));
}

void isoweek_of(struct isodate d, int *year, int *week)
{
	long days = days_from_civil(d.year, d.month, d.day);
	/* The Thursday of d's week decides its ISO year. */
	long thursday = days - weekday(days) + 3;
	int y = civil_from_days(thursday).year;

	*year = y;
	*week = (int)((thursday - week1_monday(y)) / 7) + 1;
}

struct isodate isodate_add_days(struct isodate d, long n)
{
	return civil_from_days(days_from_civil(d.year, d.month, d.day) + n);
}

void isoweek_format(int year, int week, char *out, size_t outlen)
{
	snprintf(out, outlen, "%04d-W%02d", year, week);
}

void isodate_format(struct isodate d, char *out, size_t outlen)
{
	snprintf(out, outlen, "%04d-%02d-%02d", d.year, d.month, d.day);
}
