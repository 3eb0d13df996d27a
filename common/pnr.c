/*
 * The personnummer guard (see pnr.h, SPEC §6).
 *
 * The text is read as maximal runs of ASCII digits. A personnummer is
 *
 *   a run of 10 or 12 digits          YYMMDDNNNC, YYYYMMDDNNNC
 *   a run of 6 or 8, a separator,     YYMMDD-NNNC, YYYYMMDD+NNNC,
 *   and a run of exactly 4            YYMMDD NNNC, YYMMDD – NNNC, ...
 *
 * whose date is real and whose Luhn digit is right. The separator is a
 * space, a dash or both: at most one space-like character (space, no-break,
 * figure, thin or narrow no-break space), then at most one dash-like one
 * ('-', '+', the Unicode hyphens and dashes, the minus sign), then at most
 * one space-like one again. People type all of these, and word processors
 * turn '-' into an en dash or a space into a no-break one on their own.
 * Invisible characters (soft hyphen, zero-width space and joiners, BOM)
 * are skipped wherever they stand, so they cannot split a number either.
 *
 * What stands around a number does not matter, except digits: letters,
 * punctuation, other numbers joined by '-' ("1-811218-9876",
 * "811218-9876-2") are refused like the bare number, because a missed
 * number is worse than a refused order code. A run glued to more digits
 * is never one: "1811218-9876" or an order number of 16 digits that holds
 * a personnummer-looking piece is indistinguishable from any other long
 * number, and refusing those would refuse order and case numbers. Phone
 * numbers and dates stay clear because their groups are shorter
 * ("08-123 456 78", "2026-11-18 19:45"); a 10-digit run that is a real
 * date with a valid check digit is refused whatever it was meant as.
 */
#include "pnr.h"

#include <string.h>

enum sep_kind { SEP_SPACE, SEP_DASH };

/* UTF-8 spellings of the characters that may separate the date from the
 * last four digits. */
static const struct {
	const char *utf8;
	enum sep_kind kind;
} separators[] = {
	{ " ", SEP_SPACE },
	{ "\xC2\xA0", SEP_SPACE },     /* U+00A0 no-break space */
	{ "\xE2\x80\x87", SEP_SPACE }, /* U+2007 figure space */
	{ "\xE2\x80\x89", SEP_SPACE }, /* U+2009 thin space */
	{ "\xE2\x80\xAF", SEP_SPACE }, /* U+202F narrow no-break space */
	{ "-", SEP_DASH },
	{ "+", SEP_DASH },            /* the form of someone over 100 */
	{ "\xE2\x80\x90", SEP_DASH }, /* U+2010 hyphen */
	{ "\xE2\x80\x91", SEP_DASH }, /* U+2011 non-breaking hyphen */
	{ "\xE2\x80\x92", SEP_DASH }, /* U+2012 figure dash */
	{ "\xE2\x80\x93", SEP_DASH }, /* U+2013 en dash */
	{ "\xE2\x80\x94", SEP_DASH }, /* U+2014 em dash */
	{ "\xE2\x88\x92", SEP_DASH }, /* U+2212 minus sign */
	{ "\xEF\xB9\xA3", SEP_DASH }, /* U+FE63 small hyphen-minus */
	{ "\xEF\xBC\x8B", SEP_DASH }, /* U+FF0B fullwidth plus */
	{ "\xEF\xBC\x8D", SEP_DASH }, /* U+FF0D fullwidth hyphen-minus */
};

/* Characters that show nothing: skipped inside and around a number. */
static const char *const invisibles[] = {
	"\xC2\xAD",     /* U+00AD soft hyphen */
	"\xE2\x80\x8B", /* U+200B zero width space */
	"\xE2\x80\x8C", /* U+200C zero width non-joiner */
	"\xE2\x80\x8D", /* U+200D zero width joiner */
	"\xE2\x80\x8E", /* U+200E left-to-right mark */
	"\xE2\x80\x8F", /* U+200F right-to-left mark */
	"\xE2\x81\xA0", /* U+2060 word joiner */
	"\xEF\xBB\xBF", /* U+FEFF zero width no-break space */
};

#define COUNT(a) (sizeof(a) / sizeof(a)[0])

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The length of s when text[i..len) starts with it, else 0. */
static size_t starts_with(const char *text, size_t len, size_t i, const char *s)
{
	size_t n = strlen(s);

	return n <= len - i && memcmp(text + i, s, n) == 0 ? n : 0;
}

/* The offset after any invisible characters at i. */
static size_t skip_invisible(const char *text, size_t len, size_t i)
{
	bool more = true;

	while (more && i < len) {
		more = false;
		for (size_t k = 0; k < COUNT(invisibles); k++) {
			size_t n = starts_with(text, len, i, invisibles[k]);

			if (n) {
				i += n;
				more = true;
				break;
			}
		}
	}
	return i;
}

/* The offset after one separator character of kind at i, or i. */
static size_t skip_sep(const char *text, size_t len, size_t i, enum sep_kind kind)
{
	for (size_t k = 0; k < COUNT(separators); k++) {
		size_t n;

		if (separators[k].kind != kind)
			continue;
		n = starts_with(text, len, i, separators[k].utf8);
		if (n)
			return i + n;
	}
	return i;
}

/*
 * From i (after a run), the offset where the last four digits would start:
 * after [space] [dash] [space], at least one of them, invisibles anywhere.
 * Returns i when there is no separator.
 */
static size_t skip_separator(const char *text, size_t len, size_t i)
{
	static const enum sep_kind pattern[] = { SEP_SPACE, SEP_DASH, SEP_SPACE };
	size_t j = i;
	bool any = false;

	for (size_t k = 0; k < COUNT(pattern); k++) {
		size_t at = skip_invisible(text, len, j);
		size_t next = skip_sep(text, len, at, pattern[k]);

		if (next > at) {
			j = next;
			any = true;
		}
	}
	return any ? skip_invisible(text, len, j) : i;
}

/*
 * Reads the maximal run of digits at i (a digit), invisibles between
 * digits included. The first cap digits go to digits; *n gets how many
 * there were. Returns the offset after the last digit.
 */
static size_t read_run(const char *text, size_t len, size_t i, char *digits, size_t cap, size_t *n)
{
	size_t end = i;

	*n = 0;
	while (i < len) {
		size_t j;

		if (is_digit(text[i])) {
			if (*n < cap)
				digits[*n] = text[i];
			(*n)++;
			end = ++i;
			continue;
		}
		j = skip_invisible(text, len, i);
		if (j == i || j >= len || !is_digit(text[j]))
			break;
		i = j;
	}
	return end;
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
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

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

/* Checks the 10 or 12 digits of a candidate: century, date, Luhn. */
static bool digits_are_pnr(const char *digits, size_t n_digits)
{
	const char *ten = digits + (n_digits - 10);
	int year = -1;

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
		char digits[12];
		size_t start = i, end, stop, n, rest = 0;
		bool shaped;

		if (!is_digit(text[i])) {
			i++;
			continue;
		}
		/* Runs are maximal, so a run never starts right after a digit. */
		end = read_run(text, len, i, digits, sizeof digits, &n);
		stop = end;
		shaped = n == 10 || n == 12;
		if (n == 6 || n == 8) {
			size_t b = skip_separator(text, len, end);

			if (b > end && b < len && is_digit(text[b])) {
				stop = read_run(text, len, b, digits + n, sizeof digits - n, &rest);
				shaped = rest == 4;
			}
		}
		if (shaped && digits_are_pnr(digits, n + rest)) {
			if (at)
				*at = start;
			if (at_len)
				*at_len = stop - start;
			return true;
		}
		/* The last four digits, if any, are looked at as a run of
		 * their own next: a run is the start of the next candidate. */
		i = end;
	}
	return false;
}
