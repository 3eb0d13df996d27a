/*
 * Output formats: CSV for Swedish spreadsheets (UTF-8 BOM, ';', CRLF,
 * RFC 4180 quoting of ';', '"' and line breaks, formulas guarded), the
 * cell text of JSON values, and JSON lists.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

struct csv_case {
	char in[32];
	char out[48];
};

ParameterizedTestParameters(csv, field)
{
	static struct csv_case cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "Upplands Väsby", "Upplands Väsby" },
		{ "a,b", "a,b" },
		{ "a;b", "\"a;b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "\"", "\"\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "cr\r\nlf", "\"cr\r\nlf\"" },
		{ "x;\"y\"\n", "\"x;\"\"y\"\"\n\"" },
		{ " spaced ", " spaced " },
		/* The same formula guard as the daemon's exports. */
		{ "=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"" },
		{ "@cmd", "'@cmd" },
		{ "+1+1", "'+1+1" },
		{ "-3", "-3" },
	};
	return cr_make_param_array(struct csv_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct csv_case *c, csv, field, table_none, table_none)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	cr_assert_eq(output_csv_field(&sb, c->in), 0);
	cr_assert_str_eq(sb.data ? sb.data : "", c->out, "input [%s]", c->in);
	strbuf_cleanup(&sb);
}

static const struct out_col cols[] = {
	{ "SLUG", "slug", 0 },         { "NAME", "name", 0 },   { "PARTY", "party", 0 },
	{ "COUNT", "stats.count", 0 }, { "UNTIL", "until", 0 },
};

/* Runs output_csv on the JSON text items; returns what was written. */
static char *csv_of(const char *items_json, size_t *len)
{
	json_t *items = json_loads(items_json, 0, NULL);
	char *buf = NULL;
	FILE *f;

	cr_assert_not_null(items);
	f = open_memstream(&buf, len);
	cr_assert_not_null(f);
	cr_assert_eq(output_csv(f, items, cols, sizeof cols / sizeof cols[0]), 0);
	fclose(f);
	json_decref(items);
	return buf;
}

Test(csv, bom_header_separator_and_crlf)
{
	size_t len;
	char *s = csv_of("[{\"slug\":\"sigtuna\",\"name\":\"Sigtuna kommun\","
			 "\"party\":true,\"stats\":{\"count\":3},\"until\":null}]",
			 &len);

	cr_assert(len >= 3);
	cr_assert_eq(memcmp(s, "\xEF\xBB\xBF", 3), 0, "starts with a BOM");
	cr_assert_str_eq(s + 3, "SLUG;NAME;PARTY;COUNT;UNTIL\r\n"
				"sigtuna;Sigtuna kommun;true;3;\r\n");
	free(s);
}

Test(csv, quotes_separators_quotes_and_newlines)
{
	size_t len;
	char *s = csv_of("[{\"slug\":\"a;b\",\"name\":\"Rad 1\\nRad \\\"2\\\"\","
			 "\"party\":false}]",
			 &len);

	cr_assert_str_eq(s + 3, "SLUG;NAME;PARTY;COUNT;UNTIL\r\n"
				"\"a;b\";\"Rad 1\nRad \"\"2\"\"\";false;;\r\n");
	free(s);
}

Test(csv, empty_list_has_bom_and_header)
{
	size_t len;
	char *s = csv_of("[]", &len);

	cr_assert_str_eq(s, "\xEF\xBB\xBFSLUG;NAME;PARTY;COUNT;UNTIL\r\n");
	free(s);
}

struct cell_case {
	char json[40];
	int table;
	char text[40];
};

ParameterizedTestParameters(output, cell)
{
	static struct cell_case cases[] = {
		{ "\"text\"", 1, "text" },
		{ "true", 1, "yes" },
		{ "false", 1, "no" },
		{ "true", 0, "true" },
		{ "false", 0, "false" },
		{ "null", 1, "-" },
		{ "null", 0, "" },
		{ "42", 0, "42" },
		{ "-7", 1, "-7" },
		{ "1.5", 0, "1.5" },
		{ "[\"a\",\"b\"]", 1, "a, b" },
		{ "[]", 1, "-" },
		{ "[]", 0, "" },
		{ "{\"k\":1}", 0, "{\"k\":1}" },
	};
	return cr_make_param_array(struct cell_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct cell_case *c, output, cell, table_none, table_none)
{
	json_t *v = json_loads(c->json, JSON_DECODE_ANY, NULL);
	struct strbuf sb;

	cr_assert_not_null(v, "%s", c->json);
	strbuf_init(&sb, 0);
	cr_assert_eq(output_cell(&sb, v, c->table ? OUT_TABLE : OUT_CSV), 0);
	cr_assert_str_eq(sb.data ? sb.data : "", c->text, "json %s", c->json);
	strbuf_cleanup(&sb);
	json_decref(v);
}

Test(output, missing_value_is_empty_in_csv_and_dash_in_table)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	cr_assert_eq(output_cell(&sb, NULL, OUT_TABLE), 0);
	cr_assert_str_eq(sb.data, "-");
	strbuf_cleanup(&sb);
	strbuf_init(&sb, 0);
	cr_assert_eq(output_cell(&sb, NULL, OUT_CSV), 0);
	cr_assert_null(sb.data);
	strbuf_cleanup(&sb);
}

/* Runs output_list or output_object in a format; returns the output. */
static char *render(enum out_format fmt, const char *json, int object)
{
	struct output o = { 0 };
	json_t *v = json_loads(json, 0, NULL);
	char *buf = NULL;
	size_t len = 0;
	int rc;

	cr_assert_not_null(v);
	o.format = fmt;
	o.out = open_memstream(&buf, &len);
	o.err = o.out;
	cr_assert_not_null(o.out);
	rc = object ? output_object(&o, v, NULL, cols, 2) : output_list(&o, v, cols, 2);
	cr_assert_eq(rc, 0);
	fclose(o.out);
	json_decref(v);
	return buf;
}

Test(output, json_list_is_the_array)
{
	char *s = render(OUT_JSON, "[{\"slug\":\"a\",\"name\":\"A\"}]", 0);
	json_t *back = json_loads(s, 0, NULL);

	cr_assert(json_is_array(back), "%s", s);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(back, 0), "slug")), "a");
	json_decref(back);
	free(s);
}

Test(output, table_list_has_headers_and_rows)
{
	char *s = render(OUT_TABLE,
			 "[{\"slug\":\"upplands-vasby\",\"name\":\"Upplands "
			 "Väsby kommun\"},{\"slug\":\"sigtuna\",\"name\":"
			 "\"Sigtuna kommun\"}]",
			 0);

	cr_assert(strstr(s, "SLUG") && strstr(s, "NAME"), "%s", s);
	cr_assert(strstr(s, "upplands-vasby") && strstr(s, "Sigtuna kommun"), "%s", s);
	free(s);
}

Test(output, csv_object_is_header_and_one_row)
{
	char *s = render(OUT_CSV, "{\"slug\":\"polisen\",\"name\":\"Polisen\"}", 1);

	cr_assert_str_eq(s, "\xEF\xBB\xBFSLUG;NAME\r\npolisen;Polisen\r\n");
	free(s);
}

Test(output, table_object_labels_fields)
{
	char *s = render(OUT_TABLE, "{\"slug\":\"polisen\",\"name\":\"Polisen\"}", 1);

	cr_assert(strstr(s, "Slug:") && strstr(s, "polisen"), "%s", s);
	cr_assert(strstr(s, "Name:") && strstr(s, "Polisen"), "%s", s);
	free(s);
}
