/*
 * A file given to `samverkan incidents import`: the CSV reader
 * (client/csvread.c: byte order mark, ';' or ',', quotes, line breaks in
 * quotes, CR, LF and CRLF) and the row steps (client/importrow.c,
 * client/importcat.c: the header, each row as an item, its category by
 * slug or name, the batch's key). The input is given exactly its size so
 * that ASan sees a read past the end.
 *
 * Checked: csv_count_records counts what csv_read gives; records start on
 * later and later lines; no cell is longer than the limit; and the records
 * written back as CSV, every cell quoted, read back as the same cells.
 * The same bytes as a server's 422 go through import_map_errors.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "import.h"
#include "strbuf.h"

#define MAX_RECORDS 4096

static void fail(const char *what)
{
	fprintf(stderr, "csv: %s\n", what);
	abort();
}

/* The record as CSV with every cell quoted, appended to sb. */
static void write_record(struct strbuf *sb, const struct csv_record *rec, char sep)
{
	for (size_t c = 0; c < rec->n; c++) {
		if ((c && strbuf_append(sb, &sep, 1) != 0) || strbuf_puts(sb, "\"") != 0)
			abort();
		for (const char *p = rec->cells[c]; *p; p++)
			if ((*p == '"' && strbuf_puts(sb, "\"") != 0) ||
			    strbuf_append(sb, p, 1) != 0)
				abort();
		if (strbuf_puts(sb, "\"") != 0)
			abort();
	}
	if (strbuf_puts(sb, "\n") != 0)
		abort();
}

static const json_t *categories(void)
{
	static json_t *cats;

	if (!cats)
		cats = json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "slug", "klotter", "name",
				 "Klotter", "slug", "brand", "name", "Brand", "slug", "hot-vald",
				 "name", "Hot och våld");
	if (!cats)
		abort();
	return cats;
}

/* The rows as items, as import_run makes them. */
static void import_rows(const char *data, size_t len, int have_municipality)
{
	struct csv_reader r;
	struct csv_record rec;
	struct import_header h;
	struct import_refusals refused;
	struct strbuf err;
	json_t *items = json_array();
	long lines[MAX_RECORDS];
	size_t n = 0;
	char key[IMPORT_KEY_LEN + 1];

	csv_reader_init(&r, data, len);
	csv_record_init(&rec);
	import_refusals_init(&refused);
	strbuf_init(&err, 4096);
	if (!items)
		abort();
	if (csv_read(&r, &rec) != 1 || import_map_header(&rec, have_municipality, &h, &err) != 0)
		goto out;
	while (n < MAX_RECORDS && csv_read(&r, &rec) == 1) {
		json_t *item = NULL;
		int rc;

		if (csv_record_blank(&rec))
			continue;
		rc = import_row_item(&h, &rec, have_municipality ? "sigtuna" : NULL, &refused,
				     &item);
		if (rc < 0)
			abort();
		if (rc == 0 && item &&
		    import_category(categories(), item, rec.line, &refused) == 0) {
			lines[n++] = rec.line;
			if (json_array_append_new(items, item) != 0)
				abort();
		} else {
			json_decref(item);
		}
	}
	if (n > 0 && import_batch_key(items, lines, n, key, sizeof key) != 0)
		abort();
	import_refusals_sort(&refused);
	for (size_t i = 1; i < refused.n; i++)
		if (refused.v[i - 1].line > refused.v[i].line)
			fail("refusals out of order");
out:
	strbuf_cleanup(&err);
	import_refusals_cleanup(&refused);
	csv_record_cleanup(&rec);
	json_decref(items);
}

static void read_records(const char *data, size_t len)
{
	struct csv_reader r, again;
	struct csv_record rec, rec2;
	struct strbuf out;
	long count, seen = 0, last_line = 0;
	int rc, broken = 0;
	size_t records = 0;

	csv_reader_init(&r, data, len);
	count = csv_count_records(&r);
	csv_record_init(&rec);
	strbuf_init(&out, (size_t)1 << 26);
	while ((rc = csv_read(&r, &rec)) == 1) {
		if (rec.line <= last_line)
			fail("a record starts on an earlier line");
		last_line = rec.line;
		seen += !csv_record_blank(&rec);
		broken |= rec.broken;
		for (size_t c = 0; c < rec.n; c++)
			if (strlen(rec.cells[c]) > CSV_CELL_LIMIT)
				fail("a cell past the limit");
		write_record(&out, &rec, r.sep);
		records++;
	}
	if (rc == 0 && count != seen)
		fail("csv_count_records differs from csv_read");
	if (rc == 0 && !broken) {
		/* Read back with the same separator. */
		csv_reader_init(&again, out.data ? out.data : "", out.len);
		again.sep = r.sep;
		csv_reader_init(&r, data, len);
		csv_record_init(&rec2);
		while (csv_read(&r, &rec) == 1) {
			if (csv_read(&again, &rec2) != 1 || rec2.n != rec.n)
				fail("written back, a record reads differently");
			for (size_t c = 0; c < rec.n; c++)
				if (strcmp(rec.cells[c], rec2.cells[c]) != 0)
					fail("written back, a cell reads differently");
			records--;
		}
		if (records != 0 || csv_read(&again, &rec2) != 0)
			fail("written back, the records differ in number");
		csv_record_cleanup(&rec2);
	}
	strbuf_cleanup(&out);
	csv_record_cleanup(&rec);
}

/* The same bytes as the 422 a server answered to a batch of 10. */
static void map_errors(const char *data, size_t len)
{
	json_t *problem = json_loadb(data, len, 0, NULL);
	long lines[10] = { 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	unsigned char bad[10] = { 0 };
	struct import_refusals refused;

	if (!problem)
		return;
	import_refusals_init(&refused);
	if (import_map_errors(problem, lines, 10, bad, &refused) < 0)
		abort();
	import_refusals_cleanup(&refused);
	json_decref(problem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy;

	if (size > 65536)
		return 0;
	copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	read_records(copy, size);
	import_rows(copy, size, (int)(size % 2));
	map_errors(copy, size);
	free(copy);
	return 0;
}
