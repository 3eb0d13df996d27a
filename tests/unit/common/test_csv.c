/*
 * CSV fields: plain, quoted, empty, and kept from being a formula (a "'"
 * before '=', '+', '-', '@', tab or CR, except in a plain number).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
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
		/* Formulas (CSV injection). */
		{ "=1+1", false, "'=1+1" },
		{ "=HYPERLINK(\"http://x\")", false, "\"'=HYPERLINK(\"\"http://x\"\")\"" },
		{ "+1+cmd|' /C calc'!A0", false, "'+1+cmd|' /C calc'!A0" },
		{ "-2+3+cmd|' /C calc'!A0", false, "'-2+3+cmd|' /C calc'!A0" },
		{ "@SUM(1+1)*cmd", false, "'@SUM(1+1)*cmd" },
		{ "\t=1+1", false, "'\t=1+1" },
		{ "\r=1+1", false, "\"'\r=1+1\"" },
		{ "=a;b", false, "\"'=a;b\"" },
		{ "-", false, "'-" },
		{ "+46 70 123 45 67", false, "'+46 70 123 45 67" },
		{ "-3 kr", false, "'-3 kr" },
		{ "-1e5", false, "'-1e5" },
		{ "-,5", false, "'-,5" },
		{ "-3,", false, "'-3," },
		{ "-3.5.1", false, "'-3.5.1" },
		/* Plain numbers stay numbers. */
		{ "-3", false, "-3" },
		{ "-2,50", false, "-2,50" },
		{ "-12.5", false, "-12.5" },
		{ "+12", false, "+12" },
		{ "42", false, "42" },
		/* Formula characters later in the cell do no harm. */
		{ "a=b", false, "a=b" },
		{ "x -3", false, "x -3" },
		{ " =1", false, " =1" },
		{ "2026-11-18", false, "2026-11-18" },
		{ "'=1", false, "'=1" },
	};
	return cr_make_param_array(struct csv_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct csv_case *c, csv, field, table_none, table_none)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	cr_assert_eq(csv_field(&sb, c->null ? NULL : c->in, true), 0);
	cr_assert_str_eq(sb.data ? sb.data : "", c->out);
	strbuf_cleanup(&sb);
}

Test(csv, a_guarded_cell_after_a_separator)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	cr_assert_eq(csv_field(&sb, "a", true), 0);
	cr_assert_eq(csv_field(&sb, "=1", false), 0);
	cr_assert_eq(csv_put(&sb, NULL), 0);
	cr_assert_str_eq(sb.data, "a;'=1");
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
	cr_assert_str_eq(sb.data, "\xEF\xBB\xBF"
				  "a;;\"c;d\"\r\n");
	strbuf_cleanup(&sb);
}
