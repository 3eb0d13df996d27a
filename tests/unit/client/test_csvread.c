/*
 * The CSV reader of `incidents import`: files as Excel, LibreOffice and
 * municipal case systems write them — a BOM or none, ';' or ',' (read
 * from the header line), RFC 4180 quotes holding separators, doubled
 * quotes and line breaks, CRLF or LF — and the line each record starts
 * on, which is what a refusal names.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <string.h>

#include "csvread.h"

#define MAX_CELLS 6
#define MAX_RECORDS 5

/* Arrays, not pointers: Criterion copies the cases into each test's
 * process. */
struct csv_case {
	char name[64];
	char input[160];
	char sep;
	size_t nrec;
	long line[MAX_RECORDS];
	size_t ncells[MAX_RECORDS];
	char cells[MAX_RECORDS][MAX_CELLS][40];
};

ParameterizedTestParameters(csvread, files)
{
	static struct csv_case cases[] = {
		{ "semicolon with BOM and CRLF",
		  "\xEF\xBB\xBFtidpunkt;kommun;plats\r\n"
		  "2026-11-16 21:30;sigtuna;Märsta centrum\r\n",
		  ';',
		  2,
		  { 1, 2 },
		  { 3, 3 },
		  { { "tidpunkt", "kommun", "plats" },
		    { "2026-11-16 21:30", "sigtuna", "Märsta centrum" } } },
		{ "comma without BOM, LF, no final newline",
		  "occurred_at,place\n2026-11-16T21:30:00Z,Valsta",
		  ',',
		  2,
		  { 1, 2 },
		  { 2, 2 },
		  { { "occurred_at", "place" }, { "2026-11-16T21:30:00Z", "Valsta" } } },
		{ "quotes hold separators, quotes and line breaks",
		  "plats;beskrivning\n"
		  "\"Märsta; torget\";\"Sa \"\"hej\"\"\r\nrad två\"\n"
		  "Valsta;x\n",
		  ';',
		  3,
		  { 1, 2, 4 },
		  { 2, 2, 2 },
		  { { "plats", "beskrivning" },
		    { "Märsta; torget", "Sa \"hej\"\nrad två" },
		    { "Valsta", "x" } } },
		{ "a comma inside quotes does not choose the separator",
		  "\"a,b,c\";d\n1;2\n",
		  ';',
		  2,
		  { 1, 2 },
		  { 2, 2 },
		  { { "a,b,c", "d" }, { "1", "2" } } },
		{ "a short row and empty cells",
		  "a;b;c\n1;;3\n4;5\n",
		  ';',
		  3,
		  { 1, 2, 3 },
		  { 3, 3, 2 },
		  { { "a", "b", "c" }, { "1", "", "3" }, { "4", "5" } } },
		{ "spaces around cells go, inside quotes they stay",
		  "a , b\n  x  ,\" y \"  \n",
		  ',',
		  2,
		  { 1, 2 },
		  { 2, 2 },
		  { { "a", "b" }, { "x", " y " } } },
		{ "a blank line is a blank record",
		  "a\n\nb\n",
		  ';',
		  3,
		  { 1, 2, 3 },
		  { 1, 1, 1 },
		  { { "a" }, { "" }, { "b" } } },
		{ "a decimal comma in a quoted cell",
		  "lat,lon\n\"59,62\",\"17,85\"\n",
		  ',',
		  2,
		  { 1, 2 },
		  { 2, 2 },
		  { { "lat", "lon" }, { "59,62", "17,85" } } },
	};
	return cr_make_param_array(struct csv_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct csv_case *c, csvread, files, table_none, table_none)
{
	struct csv_reader r;
	struct csv_record rec;
	size_t n = 0;

	csv_reader_init(&r, c->input, strlen(c->input));
	cr_assert_eq(r.sep, c->sep, "%s: separator '%c'", c->name, r.sep);
	csv_record_init(&rec);
	while (csv_read(&r, &rec) == 1) {
		cr_assert_lt(n, c->nrec, "%s: more records than expected", c->name);
		cr_assert_eq(rec.line, c->line[n], "%s: record %zu on line %ld", c->name, n,
			     rec.line);
		cr_assert_eq(rec.n, c->ncells[n], "%s: record %zu has %zu cells", c->name, n,
			     rec.n);
		cr_assert_not(rec.broken, "%s", c->name);
		for (size_t i = 0; i < rec.n; i++)
			cr_assert_str_eq(rec.cells[i], c->cells[n][i], "%s: record %zu cell %zu",
					 c->name, n, i);
		n++;
	}
	cr_assert_eq(n, c->nrec, "%s: %zu records", c->name, n);
	csv_record_cleanup(&rec);
}

Test(csvread, an_open_quote_marks_the_record_broken)
{
	static const char in[] = "a;b\n1;\"never closed\n2;3\n";
	struct csv_reader r;
	struct csv_record rec;

	csv_reader_init(&r, in, sizeof in - 1);
	csv_record_init(&rec);
	cr_assert_eq(csv_read(&r, &rec), 1);
	cr_assert_eq(csv_read(&r, &rec), 1);
	cr_assert_eq(rec.line, 2);
	cr_assert(rec.broken, "the rest of the file is one cell");
	cr_assert_eq(csv_read(&r, &rec), 0, "nothing after it");
	csv_record_cleanup(&rec);
}

Test(csvread, counts_records_without_blank_lines)
{
	static const char in[] = "h\r\n1\r\n\r\n\"2\n2\"\r\n3";
	struct csv_reader r;
	struct csv_record rec;

	csv_reader_init(&r, in, sizeof in - 1);
	csv_record_init(&rec);
	cr_assert_eq(csv_read(&r, &rec), 1, "the header");
	cr_assert_eq(csv_count_records(&r), 3);
	cr_assert_eq(csv_read(&r, &rec), 1, "counting left the reader");
	cr_assert_str_eq(rec.cells[0], "1");
	csv_record_cleanup(&rec);
}

Test(csvread, an_empty_input_has_no_records)
{
	struct csv_reader r;
	struct csv_record rec;

	csv_reader_init(&r, "\xEF\xBB\xBF", 3);
	csv_record_init(&rec);
	cr_assert_eq(csv_read(&r, &rec), 0);
	cr_assert_eq(csv_count_records(&r), 0);
	csv_record_cleanup(&rec);
}
