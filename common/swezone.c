/* Swedish time without the zone database (see swezone.h). */
#include "swezone.h"

/* 01:00 UTC on the last Sunday of a 31-day month (0-based mon) of year. */
static time_t last_sunday_0100(int year, int mon)
{
	struct tm tm = { .tm_year = year - 1900, .tm_mon = mon, .tm_mday = 31, .tm_hour = 1 };
	time_t t = timegm(&tm);

	/* timegm filled tm_wday: go back to Sunday. */
	return t - (time_t)tm.tm_wday * 86400;
}

long swezone_offset(time_t t)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return 3600;
	if (t >= last_sunday_0100(tm.tm_year + 1900, 2) &&
	    t < last_sunday_0100(tm.tm_year + 1900, 9))
		return 7200;
	return 3600;
}

struct isodate swezone_date(time_t t)
{
	struct isodate d = { 0, 0, 0 };
	struct tm tm;

	t += swezone_offset(t);
	if (gmtime_r(&t, &tm)) {
		d.year = tm.tm_year + 1900;
		d.month = tm.tm_mon + 1;
		d.day = tm.tm_mday;
	}
	return d;
}
