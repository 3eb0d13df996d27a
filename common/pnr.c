/*
 * The personnummer guard (see pnr.h, SPEC §6).
 *
 * The text is cut into numeric tokens: maximal runs of ASCII digits, where
 * a single '-' or '+' between two digits joins the runs on either side into
 * one token ("070-123", "2024-01-15", "811218-9876"). A token is a
 * personnummer only when its whole shape is one of
 *
 *   6 sep 4   YYMMDD-NNNC, YYMMDD+NNNC
 *   10        YYMMDDNNNC
 *   8 sep 4   YYYYMMDD-NNNC, YYYYMMDD+NNNC
 *   12        YYYYMMDDNNNC
 *
 * and its date is real and its Luhn digit right. Working on whole tokens is
 * what keeps look-alikes out: an order number of 13 digits, a phone number
 * "08-811218 98 76" or a case number "5000-K123456-24" never has one of
 * those shapes, however a personnummer-looking piece sits inside it. Other
 * characters (letters, spaces, punctuation, UTF-8) end a token but do not
 * disqualify it: "pnr811218-9876" is still refused, because a missed
 * number is worse than a refused order code. Spaces are not separators, so
 * "811218 9876" is not matched (the forms of the agreement's register use
 * none, and phone numbers are grouped with spaces).
 */
#include "pnr.h"

/* A token with more groups than this is never a personnummer. */
#define PNR_MAX_GROUPS 2

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_sep(char c)
{
	return c == '-' || c == '+';
}

static int digits_value(const char *p, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

static bool is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31 };

	if (month == 2 && is_leap(year))
		return 29;
	return days[month - 1];
}

/*
 * year is the full year, or -1 when the century is unknown (10-digit
 * forms): then the date counts as real when it is real in 19xx or 20xx,
 * so 000229 (29 February 2000) passes. Days 61..91 are samordningsnummer.
 */
static bool date_valid(int year, int yy, int month, int day)
{
	int max;

	if (month < 1 || month > 12)
		return false;
	if (day > 60)
		day -= 60;
	if (day < 1)
		return false;
	if (year >= 0)
		max = days_in_month(year, month);
	else if (month == 2 && (is_leap(1900 + yy) || is_leap(2000 + yy)))
		max = 29;
	else
		max = days_in_month(1901, month);
	return day <= max;
}

/* Luhn over the ten digits YYMMDDNNNC: weights 2,1,2,1,... on the first
 * nine, and the tenth makes the sum a multiple of ten. */
static bool luhn_valid(const char d[10])
{
	int sum = 0;

	for (int i = 0; i < 9; i++) {
		int v = (d[i] - '0') * (i % 2 == 0 ? 2 : 1);

		sum += v / 10 + v % 10;
	}
	return (10 - sum % 10) % 10 == d[9] - '0';
}

/*
 * Checks one token given as its digit groups. digits holds the token's
 * digits without the separator (10 or 12 of them).
 */
static bool token_is_pnr(const size_t *groups, size_t n_groups,
			 const char *digits, size_t n_digits)
{
	const char *ten;
	int year = -1;

	if (n_groups == 2 && groups[1] != 4)
		return false;
	if (n_groups == 2 && groups[0] != 6 && groups[0] != 8)
		return false;
	if (n_digits != 10 && n_digits != 12)
		return false;
	ten = digits + (n_digits - 10);
	if (n_digits == 12) {
		int century = digits_value(digits, 2);

		/* Nobody alive was born before 1800; this also keeps most
		 * 12-digit order numbers out. */
		if (century < 18 || century > 20)
			return false;
		year = digits_value(digits, 4);
	}
	if (!date_valid(year, digits_value(ten, 2), digits_value(ten + 2, 2),
			digits_value(ten + 4, 2)))
		return false;
	return luhn_valid(ten);
}

bool pnr_find(const char *text, size_t len, size_t *at, size_t *at_len)
{
	size_t i = 0;

	if (!text)
		return false;
	while (i < len) {
		size_t start, groups[PNR_MAX_GROUPS], n_groups = 0, n_digits = 0;
		char digits[12];
		bool fits = true;

		if (!is_digit(text[i])) {
			i++;
			continue;
		}
		start = i;
		/* Walk the whole token even when it is already too long, so
		 * the next token starts after it and not inside it. */
		for (;;) {
			size_t run = 0;

			while (i < len && is_digit(text[i])) {
				if (n_digits < sizeof digits)
					digits[n_digits] = text[i];
				n_digits++;
				run++;
				i++;
			}
			if (n_groups < PNR_MAX_GROUPS)
				groups[n_groups] = run;
			else
				fits = false;
			n_groups++;
			if (i + 1 < len && is_sep(text[i]) && is_digit(text[i + 1]))
				i++;
			else
				break;
		}
		if (fits && n_digits <= sizeof digits &&
		    token_is_pnr(groups, n_groups, digits, n_digits)) {
			if (at)
				*at = start;
			if (at_len)
				*at_len = i - start;
			return true;
		}
	}
	return false;
}
