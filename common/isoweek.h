/*
 * ISO 8601 week dates (weeks Monday to Sunday; week 1 holds the year's
 * first Thursday), for the situation picture's `YYYY-Www`. Pure
 * arithmetic on the proleptic Gregorian calendar, no time zones: the
 * caller decides which day "today" is.
 */
#ifndef SVK_ISOWEEK_H
#define SVK_ISOWEEK_H

#include <stdbool.h>
#include <stddef.h>

struct isodate {
	int year, month, day;
};

/* 52 or 53: the number of ISO weeks in ISO year y. */
int isoweek_weeks_in_year(int year);

/*
 * Parses exactly "YYYY-Www" (year 1..9999, week 01..53). Returns 0 and
 * sets *year and *week, or -1 when the shape is wrong or the year has no
 * such week (2026-W53); why, when not NULL, then names the reason.
 */
int isoweek_parse(const char *s, int *year, int *week, const char **why);

/* The Monday of week w of ISO year y. */
struct isodate isoweek_monday(int year, int week);

/* The ISO year and week of a date. */
void isoweek_of(struct isodate d, int *year, int *week);

/* d plus n days (n may be negative). */
struct isodate isodate_add_days(struct isodate d, long n);

/* "YYYY-Www" into out (at least 9 bytes); "YYYY-MM-DD" (at least 11). */
void isoweek_format(int year, int week, char *out, size_t outlen);
void isodate_format(struct isodate d, char *out, size_t outlen);

#endif
