/*
 * CSV writing (see csv.h): the one place where a cell's text becomes CSV,
 * for the daemon's exports and the CLI's --output csv alike, so quoting
 * and the formula guard cannot differ between them.
 */
#include "csv.h"

#include <string.h>

/* A cell starting with one of these is read as a formula by Excel or
 * LibreOffice (OWASP's list for CSV injection). */
static bool starts_formula(const char *s)
{
	return s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

/*
 * Whether s is a plain decimal number: an optional sign, digits, and at
 * most one '.' or ',' followed by digits ("-3", "+12", "-2,50").
 */
static bool is_plain_number(const char *s)
{
	const char *p = s;
	bool point = false, digits = false;

	if (*p == '-' || *p == '+')
		p++;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			digits = true;
		} else if ((*p == '.' || *p == ',') && digits && !point && p[1] >= '0' &&
			   p[1] <= '9') {
			point = true;
		} else {
			return false;
		}
	}
	return digits;
}

int csv_put(struct strbuf *sb, const char *s)
{
	bool quote, guard;

	if (!s)
		return 0;
	quote = strpbrk(s, ";\"\r\n") != NULL;
	/*
	 * A plain number is left alone although "-3" starts with '-': the
	 * spreadsheet reads it as the number it is, and it can neither call
	 * a function nor refer to a cell, so the guard has nothing to stop.
	 * Prefixing it would turn the statistics' negative changes (and any
	 * negative the CLI prints) into text. Any other cell starting with a
	 * formula character gets the quote, whatever its column: the writer
	 * cannot know that a text column holds only numbers.
	 */
	guard = starts_formula(s) && !is_plain_number(s);
	if (quote && strbuf_append(sb, "\"", 1) != 0)
		return -1;
	if (guard && strbuf_append(sb, "'", 1) != 0)
		return -1;
	if (!quote)
		return strbuf_puts(sb, s);
	for (const char *p = s; *p; p++) {
		if (*p == '"' && strbuf_append(sb, "\"", 1) != 0)
			return -1;
		if (strbuf_append(sb, p, 1) != 0)
			return -1;
	}
	return strbuf_append(sb, "\"", 1);
}

int csv_field(struct strbuf *sb, const char *s, bool first)
{
	if (!first && strbuf_append(sb, ";", 1) != 0)
		return -1;
	return csv_put(sb, s);
}

int csv_end_row(struct strbuf *sb)
{
	return strbuf_append(sb, "\r\n", 2);
}
