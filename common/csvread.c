/*
 * The CSV reader of `incidents import` (see csvread.h). Lenient where
 * real files are sloppy (a quote inside an unquoted cell is text, spaces
 * around a quoted cell are dropped, a lone CR ends a line) and strict
 * only where guessing would shift data between columns: a quote left
 * open swallows the rest of the file, so that record is marked broken
 * for the caller to refuse.
 */
#include "csvread.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void csv_reader_init(struct csv_reader *r, const char *data, size_t len)
{
	size_t commas = 0, semis = 0;
	int quoted = 0;

	r->p = data;
	r->end = data + len;
	r->line = 1;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		r->p += 3;
	/* The header names are plain words, so counting outside quotes on
	 * the first line is enough to tell the two dialects apart. */
	for (const char *p = r->p; p < r->end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == '\n' || *p == '\r'))
			break;
		else if (!quoted && *p == ',')
			commas++;
		else if (!quoted && *p == ';')
			semis++;
	}
	r->sep = commas > semis ? ',' : ';';
}

void csv_record_init(struct csv_record *rec)
{
	memset(rec, 0, sizeof *rec);
}

static void free_cells(struct csv_record *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		free(rec->cells[i]);
	rec->n = 0;
}

void csv_record_cleanup(struct csv_record *rec)
{
	free_cells(rec);
	free(rec->cells);
	memset(rec, 0, sizeof *rec);
}

int csv_record_blank(const struct csv_record *rec)
{
	return rec->n == 1 && rec->cells[0][0] == '\0' && !rec->broken;
}

/* Takes the text of sb as the record's next cell. 0 or -1. */
static int add_cell(struct csv_record *rec, struct strbuf *sb)
{
	char *cell;

	if (rec->n == rec->cap) {
		size_t cap = rec->cap ? rec->cap * 2 : 16;
		char **cells = realloc(rec->cells, cap * sizeof *cells);

		if (!cells)
			return -1;
		rec->cells = cells;
		rec->cap = cap;
	}
	cell = strbuf_steal(sb);
	if (!cell)
		return -1;
	rec->cells[rec->n++] = cell;
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Consumes a line end at r->p (CRLF, LF or CR) if there is one. */
static int eat_newline(struct csv_reader *r)
{
	if (r->p < r->end && *r->p == '\r') {
		r->p++;
		if (r->p < r->end && *r->p == '\n')
			r->p++;
	} else if (r->p < r->end && *r->p == '\n') {
		r->p++;
	} else {
		return 0;
	}
	r->line++;
	return 1;
}

/* The inside of a quoted cell, r->p just past the opening quote. */
static int read_quoted(struct csv_reader *r, struct csv_record *rec, struct strbuf *sb)
{
	while (r->p < r->end) {
		char c = *r->p;

		if (c == '"' && r->p + 1 < r->end && r->p[1] == '"') {
			r->p += 2;
		} else if (c == '"') {
			r->p++;
			return 0;
		} else if (c == '\r' || c == '\n') {
			(void)eat_newline(r);
			c = '\n';
		} else {
			r->p++;
		}
		if (strbuf_append(sb, &c, 1) != 0)
			return -1;
	}
	rec->broken = 1;
	return 0;
}

/* Text up to the next separator or line end, appended to sb. */
static int read_plain(struct csv_reader *r, struct strbuf *sb)
{
	const char *start = r->p;

	while (r->p < r->end && *r->p != r->sep && *r->p != '\n' && *r->p != '\r')
		r->p++;
	return strbuf_append(sb, start, (size_t)(r->p - start));
}

static void trim_end(struct strbuf *sb, size_t keep)
{
	while (sb->len > keep && is_blank(sb->data[sb->len - 1]))
		sb->data[--sb->len] = '\0';
}

/* One cell at r->p into sb; stops before the separator or line end. */
static int read_cell(struct csv_reader *r, struct csv_record *rec, struct strbuf *sb)
{
	size_t keep = 0;

	while (r->p < r->end && is_blank(*r->p))
		r->p++;
	if (r->p < r->end && *r->p == '"') {
		r->p++;
		if (read_quoted(r, rec, sb) != 0)
			return -1;
		keep = sb->len; /* spaces inside the quotes are data */
		while (r->p < r->end && is_blank(*r->p))
			r->p++;
	}
	if (read_plain(r, sb) != 0)
		return -1;
	trim_end(sb, keep);
	return 0;
}

int csv_read(struct csv_reader *r, struct csv_record *rec)
{
	struct strbuf sb;
	int rc = -1;

	free_cells(rec);
	rec->broken = 0;
	rec->line = r->line;
	if (r->p >= r->end)
		return 0;
	strbuf_init(&sb, CSV_CELL_LIMIT);
	for (;;) {
		if (read_cell(r, rec, &sb) != 0 || add_cell(rec, &sb) != 0)
			goto out;
		if (r->p < r->end && *r->p == r->sep) {
			r->p++;
			continue;
		}
		(void)eat_newline(r);
		break;
	}
	rc = 1;
out:
	strbuf_cleanup(&sb);
	return rc;
}

long csv_count_records(const struct csv_reader *r)
{
	struct csv_reader copy = *r;
	struct csv_record rec;
	long n = 0;
	int rc;

	csv_record_init(&rec);
	rc = csv_read(&copy, &rec);
	while (rc == 1) {
		if (!csv_record_blank(&rec))
			n++;
		rc = csv_read(&copy, &rec);
	}
	csv_record_cleanup(&rec);
	return rc < 0 ? -1 : n;
}
