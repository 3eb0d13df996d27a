/*
 * Input shapes (see validate.h). Hand-written scanners rather than regex:
 * the patterns are small, and a scanner states the byte rules exactly,
 * without a locale deciding what [a-z] means.
 */
#include "validate.h"

#include <ctype.h>
#include <string.h>

#define VALIDATE_NAME_MAX 63
#define VALIDATE_PASSWORD_MIN 12
#define VALIDATE_PASSWORD_MAX 1024

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* One lowercase letter or digit, then min_rest..62 characters that are
 * lowercase letters, digits or one of extra. */
static bool validate_name(const char *s, size_t min_rest, const char *extra)
{
	size_t n;

	if (!s || !is_lower_alnum(s[0]))
		return false;
	n = strnlen(s, VALIDATE_NAME_MAX + 1);
	if (n > VALIDATE_NAME_MAX || n - 1 < min_rest)
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_lower_alnum(s[i]) && !strchr(extra, s[i]))
			return false;
	return true;
}

bool validate_slug(const char *s)
{
	return validate_name(s, 0, "-");
}

bool validate_username(const char *s)
{
	return validate_name(s, 1, "._-");
}

static int digits_value(const char *p, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

bool validate_date_shape(const char *s)
{
	if (!s || strnlen(s, 11) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return false;
	return true;
}

bool validate_date(const char *s)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int year, month, day, max;

	if (!validate_date_shape(s))
		return false;
	year = digits_value(s, 4);
	month = digits_value(s + 5, 2);
	day = digits_value(s + 8, 2);
	/* There is no year 0 in the calendar PostgreSQL's date type uses. */
	if (year < 1 || month < 1 || month > 12 || day < 1)
		return false;
	max = days[month - 1];
	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		max = 29;
	return day <= max;
}

static bool two_digits_upto(const char *s, int max)
{
	return is_digit(s[0]) && is_digit(s[1]) && digits_value(s, 2) <= max;
}

bool validate_timestamp(const char *s, bool *has_offset)
{
	char date[11];
	size_t i = 16;

	if (!s || strnlen(s, 40) < 16 || strnlen(s, 40) >= 40)
		return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!validate_date(date) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !two_digits_upto(s + 11, 23) || s[13] != ':' || !two_digits_upto(s + 14, 59))
		return false;
	if (s[i] == ':') {
		if (!two_digits_upto(s + i + 1, 59))
			return false;
		i += 3;
		if (s[i] == '.') {
			size_t n = 0;
			for (i++; is_digit(s[i]); i++)
				n++;
			if (n == 0 || n > 9)
				return false;
		}
	}
	if (has_offset)
		*has_offset = s[i] != '\0';
	if (s[i] == '\0')
		return true;
	if ((s[i] == 'Z' || s[i] == 'z') && s[i + 1] == '\0')
		return true;
	return (s[i] == '+' || s[i] == '-') && two_digits_upto(s + i + 1, 23) && s[i + 3] == ':' &&
	       two_digits_upto(s + i + 4, 59) && s[i + 6] == '\0';
}

bool validate_password(const char *s, const char **why)
{
	const char *reason = NULL;
	size_t n;

	if (!s) {
		reason = "a password is required";
		goto out;
	}
	n = strnlen(s, VALIDATE_PASSWORD_MAX + 1);
	if (n < VALIDATE_PASSWORD_MIN)
		reason = "the password must be at least 12 bytes long";
	else if (n > VALIDATE_PASSWORD_MAX)
		reason = "the password must be at most 1024 bytes long";
	else if (!validate_utf8(s, n))
		reason = "the password must be valid UTF-8";
out:
	if (why)
		*why = reason;
	return reason == NULL;
}

bool validate_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (!s)
		return len == 0;
	while (i < len) {
		unsigned char c = p[i];
		size_t n;
		unsigned char lo = 0x80, hi = 0xBF;

		if (c < 0x80) {
			i++;
			continue;
		}
		/* The first continuation byte's range is what rules out
		 * overlong forms (E0, F0), surrogates (ED) and code points
		 * past U+10FFFF (F4); the table is RFC 3629 §4. */
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			return false;
		}
		if (len - i - 1 < n)
			return false;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= n; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xBF)
				return false;
		i += n + 1;
	}
	return true;
}

size_t validate_utf8_trim(char *s)
{
	size_t n = strlen(s), lead = n, want;
	unsigned char c;

	/* Back over at most three continuation bytes to the lead byte. */
	while (lead > 0 && n - lead < 4 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead == 0 || n - lead == 4)
		return n;
	c = (unsigned char)s[lead - 1];
	if (c < 0xC0)
		return n; /* ASCII, or continuation bytes with no lead: not a cut */
	want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (n - (lead - 1) < want) {
		s[lead - 1] = '\0';
		return lead - 1;
	}
	return n;
}

bool validate_uuid(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };
	size_t d = 0;

	if (!s || strlen(s) != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		if (d < 4 && (int)i == dash[d]) {
			if (s[i] != '-')
				return false;
			d++;
			continue;
		}
		if (!isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

bool validate_digits(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 18)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A practical subset of RFC 5321: what a work address looks like, and
 * nothing that could end a header or an SMTP command. */
bool validate_email(const char *s)
{
	const char *at = s ? strchr(s, '@') : NULL;
	size_t n = s ? strlen(s) : 0, local;
	size_t label = 0, labels = 1;

	if (!at || n > 254 || strchr(at + 1, '@'))
		return false;
	local = (size_t)(at - s);
	if (local == 0 || local > 64)
		return false;
	for (size_t i = 0; i < local; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7F || strchr("<>()[],;:\"\\", c))
			return false;
	}
	for (const char *p = at + 1; *p; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
			labels++;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || (*p == '-' && label > 0)))
			return false;
		if (++label > 63)
			return false;
	}
	return labels >= 2 && label > 0 && s[n - 1] != '-';
}
