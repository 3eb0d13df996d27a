/*
 * Swedish local time and numbers for people (swetime.h), and what a table
 * and CSV make of them: a timestamp the server sends in UTC is shown as it
 * was entered in Sweden, across both daylight-saving changes; a decimal
 * in CSV has a comma; line breaks in a table's text are line breaks, an
 * escape sequence stays escaped.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "swetime.h"

struct local_case {
	char in[40];
	char out[SWETIME_LEN]; /* "" when not a timestamp */
};

ParameterizedTestParameters(swetime, local)
{
	static struct local_case cases[] = {
		{ "2026-11-15T23:30:00Z", "2026-11-16 00:30" }, /* winter: +1, the next day */
		{ "2026-07-01T10:00:00Z", "2026-07-01 12:00" }, /* summer: +2 */
		{ "2026-03-29T00:59:59Z", "2026-03-29 01:59" }, /* before the spring change */
		{ "2026-03-29T01:00:00Z", "2026-03-29 03:00" }, /* after it */
		{ "2026-10-25T00:59:00Z", "2026-10-25 02:59" }, /* before the autumn change */
		{ "2026-10-25T01:00:00Z", "2026-10-25 02:00" }, /* after it */
		{ "2025-12-31T23:00:00.123456Z", "2026-01-01 00:00" },
		{ "2026-11-16T00:30:00+01:00", "2026-11-16 00:30" },
		{ "2026-11-15T18:30:00-05:00", "2026-11-16 00:30" },
		{ "2026-11-16", "" },
		{ "2026-11-16 00:30", "" },
		{ "2026-11-15T23:30:00", "" },
		{ "2026-11-15T23:30:00Zx", "" },
		{ "2026-13-15T23:30:00Z", "" },
		{ "Märsta centrum", "" },
	};
	return cr_make_param_array(struct local_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct local_case *c, swetime, local, table_none, table_none)
{
	char out[SWETIME_LEN] = "";
	int rc = swetime_local(c->in, out, sizeof out);

	cr_assert_eq(rc, c->out[0] ? 0 : -1, "%s", c->in);
	cr_assert_str_eq(out, c->out, "%s", c->in);
}

Test(swetime, decimal_comma)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	cr_assert_eq(swetime_decimal(&sb, 12.5), 0);
	cr_assert_eq(strbuf_puts(&sb, " "), 0);
	cr_assert_eq(swetime_decimal(&sb, 3), 0);
	cr_assert_eq(strbuf_puts(&sb, " "), 0);
	cr_assert_eq(swetime_decimal(&sb, -0.25), 0);
	cr_assert_str_eq(sb.data, "12,5 3 -0,25");
	strbuf_cleanup(&sb);
}

static const struct out_col cols[] = {
	{ "AT", "at", 0 },
	{ "AVERAGE", "average", 0 },
	{ "NOTE", "note", OUT_COL_WRAP },
};

static char *render_width(enum out_format fmt, const char *json, int object, size_t width)
{
	struct output o = { .width = width };
	json_t *v = json_loads(json, 0, NULL);
	char *buf = NULL;
	size_t len = 0;
	int rc;

	cr_assert_not_null(v, "%s", json);
	o.format = fmt;
	o.out = open_memstream(&buf, &len);
	o.err = o.out;
	cr_assert_not_null(o.out);
	rc = object ? output_object(&o, v, NULL, cols, 3) : output_list(&o, v, cols, 3);
	cr_assert_eq(rc, 0);
	fclose(o.out);
	json_decref(v);
	return buf;
}

static char *render(enum out_format fmt, const char *json, int object)
{
	return render_width(fmt, json, object, 0);
}

#define ITEM                                                 \
	"{\"at\":\"2026-11-15T23:30:00Z\",\"average\":12.5," \
	"\"note\":\"Rad ett\\r\\nRad två\\tslut\\u001b[2J\\u0007\"}"

Test(swetime, a_table_shows_local_time_and_line_breaks)
{
	for (int object = 0; object < 2; object++) {
		char *s = render(OUT_TABLE, object ? ITEM : "[" ITEM "]", object);

		cr_expect(strstr(s, "2026-11-16 00:30"), "%s", s);
		cr_expect_null(strstr(s, "T23:30"), "%s", s);
		cr_expect(strstr(s, "12.5"), "a table keeps the number: %s", s);
		cr_expect(strstr(s, "Rad ett\n"), "the line break: %s", s);
		cr_expect(strstr(s, " slut\\x1b"), "the tab: %s", s);
		cr_expect_null(strstr(s, "\\x0d"), "%s", s);
		cr_expect_null(strstr(s, "\\x0a"), "%s", s);
		cr_expect(strstr(s, "\\x1b[2J\\x07"), "the escape shown, not sent: %s", s);
		cr_expect_null(strchr(s, '\x1b'), "%s", s);
		cr_expect_null(strchr(s, '\r'), "%s", s);
		free(s);
	}
}

Test(swetime, a_terminal_wraps_each_line_of_a_text_at_words)
{
	char *s = render_width(OUT_TABLE,
			       "{\"at\":null,\"average\":null,\"note\":\"Forsta raden ar "
			       "ganska lang\\r\\nAndra\\n\\nFjarde\"}",
			       1, 30);

	cr_expect(strstr(s, "lang\n"), "%s", s);
	cr_expect(strstr(s, "Andra\n"), "%s", s);
	cr_expect(strstr(s, "Fjarde"), "%s", s);
	cr_expect_null(strstr(s, "\\x"), "%s", s);
	cr_expect_null(strstr(s, "lang Andra"), "a line break became a space: %s", s);
	for (const char *line = s; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		size_t n = strcspn(line, "\n");

		cr_expect_leq(n, 34, "a line wider than the terminal: %.*s", (int)n, line);
	}
	free(s);
}

Test(swetime, csv_for_a_swedish_spreadsheet)
{
	char *s = render(OUT_CSV, "[" ITEM "]", 0);

	cr_expect(strstr(s, "\r\n2026-11-16 00:30;12,5;\""), "%s", s);
	free(s);
	s = render(OUT_JSON, "[" ITEM "]", 0);
	cr_expect(strstr(s, "\"2026-11-15T23:30:00Z\""), "JSON as the server sent it: %s", s);
	cr_expect(strstr(s, "12.5"), "%s", s);
	free(s);
}
