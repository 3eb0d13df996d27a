/*
 * Swedish time without the zone database: the day just after midnight in
 * Stockholm while UTC is still on the day before, the summer time
 * switches, the turn of the year, and agreement with tzdata's
 * Europe/Stockholm for every hour the system may hold.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "swezone.h"

static time_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {
		.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi
	};

	return timegm(&tm);
}

static void expect_date(time_t t, int y, int m, int d)
{
	struct isodate got = swezone_date(t);

	cr_expect(got.year == y && got.month == m && got.day == d,
		  "%lld: got %04d-%02d-%02d, want %04d-%02d-%02d", (long long)t, got.year,
		  got.month, got.day, y, m, d);
}

Test(swezone, after_midnight_in_stockholm_is_the_next_day)
{
	expect_date(utc(2026, 12, 4, 22, 59), 2026, 12, 4);
	expect_date(utc(2026, 12, 4, 23, 11), 2026, 12, 5);
	expect_date(utc(2026, 6, 30, 21, 59), 2026, 6, 30);
	expect_date(utc(2026, 6, 30, 22, 0), 2026, 7, 1);
}

Test(swezone, the_year_turns_an_hour_before_utc)
{
	expect_date(utc(2026, 12, 31, 22, 59), 2026, 12, 31);
	expect_date(utc(2026, 12, 31, 23, 0), 2027, 1, 1);
}

Test(swezone, summer_time_from_the_last_sunday_of_march_to_that_of_october)
{
	cr_expect_eq(swezone_offset(utc(2026, 3, 29, 0, 59)), 3600);
	cr_expect_eq(swezone_offset(utc(2026, 3, 29, 1, 0)), 7200);
	cr_expect_eq(swezone_offset(utc(2026, 10, 25, 0, 59)), 7200);
	cr_expect_eq(swezone_offset(utc(2026, 10, 25, 1, 0)), 3600);
	cr_expect_eq(swezone_offset(utc(2024, 3, 31, 1, 0)), 7200, "2024: March 31 is a Sunday");
	cr_expect_eq(swezone_offset(utc(2024, 3, 30, 1, 0)), 3600);
}

Test(swezone, agrees_with_the_zone_database_for_every_hour_from_2000_to_2037)
{
	if (access("/usr/share/zoneinfo/Europe/Stockholm", R_OK) != 0)
		cr_skip_test("no tzdata here to compare with");
	cr_assert_eq(setenv("TZ", "Europe/Stockholm", 1), 0);
	tzset();
	for (time_t t = utc(2000, 1, 1, 0, 0); t < utc(2038, 1, 1, 0, 0); t += 3600) {
		struct tm tm;

		cr_assert(localtime_r(&t, &tm));
		if (swezone_offset(t) != tm.tm_gmtoff)
			cr_assert_fail("%lld: %ld, tzdata says %ld", (long long)t,
				       swezone_offset(t), (long)tm.tm_gmtoff);
	}
}
