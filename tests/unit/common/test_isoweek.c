/*
 * ISO 8601 weeks: which years have a week 53, the Monday of a week, the
 * week of a date at the turn of the year, and the parser's refusals.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "isoweek.h"
#include "validate.h"

Test(isoweek, years_with_53_weeks)
{
	/* A year has 53 weeks when it begins on a Thursday, or on a
	 * Wednesday in a leap year. */
	cr_expect_eq(isoweek_weeks_in_year(2020), 53, "2020: leap year from a Wednesday");
	cr_expect_eq(isoweek_weeks_in_year(2015), 53, "2015: from a Thursday");
	cr_expect_eq(isoweek_weeks_in_year(2026), 53, "2026: from a Thursday");
	cr_expect_eq(isoweek_weeks_in_year(2025), 52);
	cr_expect_eq(isoweek_weeks_in_year(2027), 52);
	cr_expect_eq(isoweek_weeks_in_year(2024), 52, "2024: leap year from a Monday");
	cr_expect_eq(isoweek_weeks_in_year(2032), 53, "2032: leap year from a Thursday");
}

Test(isoweek, parse_refuses_weeks_that_do_not_exist)
{
	int y, w;
	const char *why = NULL;

	cr_expect_eq(isoweek_parse("2020-W53", &y, &w, NULL), 0);
	cr_expect_eq(y, 2020);
	cr_expect_eq(w, 53);
	cr_expect_eq(isoweek_parse("2025-W53", &y, &w, &why), -1);
	cr_expect_str_eq(why, "that year has only 52 ISO weeks");
	cr_expect_eq(isoweek_parse("2026-W53", &y, &w, NULL), 0);
	cr_expect_eq(isoweek_parse("2026-W00", &y, &w, NULL), -1);
	cr_expect_eq(isoweek_parse("2026-W54", &y, &w, NULL), -1);
	cr_expect_eq(isoweek_parse("2026-W7", &y, &w, NULL), -1);
	cr_expect_eq(isoweek_parse("2026W07", &y, &w, NULL), -1);
	cr_expect_eq(isoweek_parse("2026-w07", &y, &w, NULL), -1);
	cr_expect_eq(isoweek_parse("2026-W07x", &y, &w, NULL), -1);
	cr_expect_eq(isoweek_parse("0000-W01", &y, &w, NULL), -1);
	cr_expect_eq(isoweek_parse(NULL, &y, &w, NULL), -1);
	cr_expect_eq(isoweek_parse("2026-W07", &y, &w, NULL), 0);
	cr_expect_eq(w, 7);
}

static void expect_monday(int y, int w, const char *date)
{
	char out[16];

	isodate_format(isoweek_monday(y, w), out, sizeof out);
	cr_expect_str_eq(out, date, "the Monday of %d-W%02d", y, w);
}

Test(isoweek, the_monday_of_a_week)
{
	expect_monday(2020, 53, "2020-12-28");
	expect_monday(2021, 1, "2021-01-04");
	expect_monday(2026, 1, "2025-12-29");
	expect_monday(2026, 10, "2026-03-02");
	expect_monday(2026, 53, "2026-12-28");
	expect_monday(2027, 1, "2027-01-04");
	expect_monday(2009, 1, "2008-12-29");
}

static void expect_week(int y, int m, int d, const char *week)
{
	char out[16];
	int wy, ww;

	isoweek_of((struct isodate){ y, m, d }, &wy, &ww);
	isoweek_format(wy, ww, out, sizeof out);
	cr_expect_str_eq(out, week, "the week of %04d-%02d-%02d", y, m, d);
}

Test(isoweek, the_week_of_a_date_across_the_new_year)
{
	expect_week(2021, 1, 3, "2020-W53");
	expect_week(2021, 1, 4, "2021-W01");
	expect_week(2025, 12, 29, "2026-W01");
	expect_week(2026, 1, 4, "2026-W01");
	expect_week(2026, 12, 31, "2026-W53");
	expect_week(2027, 1, 3, "2026-W53");
	expect_week(2024, 12, 30, "2025-W01");
	expect_week(2024, 2, 29, "2024-W09");
	expect_week(2026, 11, 26, "2026-W48");
}

Test(isoweek, days_are_added_across_months_and_years)
{
	char out[16];

	isodate_format(isodate_add_days((struct isodate){ 2024, 2, 28 }, 1), out, sizeof out);
	cr_expect_str_eq(out, "2024-02-29");
	isodate_format(isodate_add_days((struct isodate){ 2026, 1, 3 }, -7), out, sizeof out);
	cr_expect_str_eq(out, "2025-12-27");
	isodate_format(isodate_add_days((struct isodate){ 2026, 12, 28 }, 77), out, sizeof out);
	cr_expect_str_eq(out, "2027-03-15");
}

Test(timestamp, rfc3339_and_local_times)
{
	bool off = true;

	cr_expect(validate_timestamp("2026-11-16T21:30", &off));
	cr_expect(!off, "no offset");
	cr_expect(validate_timestamp("2026-11-16 21:30:05", &off));
	cr_expect(validate_timestamp("2026-11-16T21:30:05.123Z", &off));
	cr_expect(off);
	cr_expect(validate_timestamp("2026-11-16T21:30:05+01:00", NULL));
	cr_expect(validate_timestamp("2026-11-16T21:30-05:30", NULL));
	cr_expect(!validate_timestamp("2026-11-16", NULL), "a date alone");
	cr_expect(!validate_timestamp("2026-11-16T24:00", NULL));
	cr_expect(!validate_timestamp("2026-11-16T21:60", NULL));
	cr_expect(!validate_timestamp("2026-02-30T10:00", NULL));
	cr_expect(!validate_timestamp("2026-11-16T21:30+0100", NULL), "offset without colon");
	cr_expect(!validate_timestamp("2026-11-16T21:30Z ", NULL));
	cr_expect(!validate_timestamp("2026-11-16T21:30:05.", NULL));
	cr_expect(!validate_timestamp("2026-11-16X21:30", NULL));
	cr_expect(!validate_timestamp(NULL, NULL));
}
