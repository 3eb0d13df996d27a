/*
 * CSV fields: plain, quoted, and empty.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "csv.h"

struct csv_case {
	char in[32];
	bool null;
	char out[48];
};

ParameterizedTestParameters(csv, field)
{
	static struct csv_case cases[] = {
		{ "plain", false, "plain" },
		{ "a;b", false, "\"a;b\"" },
		{ "say \"hej\"", false, "\"say \"\"hej\"\"\"" },
		{ "two\nlines", false, "\"two\nlines\"" },
		{ "cr\rlf", false, "\"cr\rlf\"" },
		{ "Åtgärd, ö", false, "Åtgärd, ö" },
		{ "", false, "" },
		{ "", true, "" },
	};
	return cr_make_param_array(struct csv_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct csv_case *c, csv, field)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	cr_assert_eq(csv_field(&sb, c->null ? NULL : c->in, true), 0);
	cr_assert_str_eq(sb.data ? sb.data : "", c->out);
	strbuf_cleanup(&sb);
}

Test(csv, rows_and_separators)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	strbuf_puts(&sb, CSV_BOM);
	csv_field(&sb, "a", true);
	csv_field(&sb, NULL, false);
	csv_field(&sb, "c;d", false);
	csv_end_row(&sb);
	cr_assert_str_eq(sb.data, "\xEF\xBB\xBF" "a;;\"c;d\"\r\n");
	strbuf_cleanup(&sb);
}
