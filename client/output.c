/*
 * Printing results and errors (see output.h). Tables go through
 * libsmartcols so column widths follow the terminal and multibyte names
 * (Upplands Väsby) line up; long text wraps at words (wrap_words), not
 * wherever the column ends as libsmartcols' own wrapping would. JSON only
 * through jansson; CSV is written here because spreadsheets want a BOM
 * and ';', which no library does for us.
 */
#include "output.h"

#include <ctype.h>
#include <libsmartcols.h>
#include <stdarg.h>
#include <string.h>

#include "client.h"
#include "csv.h"
#include "swetime.h"
#include "text.h"

/* HTTP status → exit code (SPEC §8), and what to say without a problem. */
static const struct {
	long lo, hi;
	int exit_code;
	const char *what;
} status_exit[] = {
	{ 200, 299, CLI_OK, "ok" },
	{ 400, 400, CLI_VALIDATION, "bad request" },
	{ 401, 401, CLI_AUTH, "unauthorized" },
	{ 403, 403, CLI_AUTH, "forbidden" },
	{ 404, 404, CLI_NOT_FOUND, "not found" },
	{ 408, 408, CLI_TEMPFAIL, "request timeout" },
	{ 409, 409, CLI_CONFLICT, "conflict" },
	{ 410, 410, CLI_NOT_FOUND, "gone" },
	{ 412, 412, CLI_CONFLICT, "precondition failed" },
	{ 413, 413, CLI_VALIDATION, "payload too large" },
	{ 422, 422, CLI_VALIDATION, "validation" },
	{ 429, 429, CLI_TEMPFAIL, "rate limited" },
	{ 502, 502, CLI_TEMPFAIL, "bad gateway" },
	{ 503, 503, CLI_TEMPFAIL, "unavailable" },
	{ 504, 504, CLI_TEMPFAIL, "gateway timeout" },
};

#define N_STATUS (sizeof status_exit / sizeof status_exit[0])

static size_t status_row(long status)
{
	for (size_t i = 0; i < N_STATUS; i++)
		if (status >= status_exit[i].lo && status <= status_exit[i].hi)
			return i;
	return N_STATUS;
}

int output_exit_for_status(long status)
{
	size_t i = status_row(status);

	return i < N_STATUS ? status_exit[i].exit_code : CLI_ERROR;
}

/* Empties sb for reuse, keeping its memory. */
static void reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

/* Follows "a.b.c" through nested objects; NULL when any step is missing. */
static const json_t *lookup(const json_t *obj, const char *path)
{
	const char *p = path;

	while (obj && json_is_object(obj)) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		obj = json_object_getn(obj, p, n);
		if (!dot)
			return obj;
		p = dot + 1;
	}
	return NULL;
}

int output_cell(struct strbuf *sb, const json_t *v, enum out_format fmt)
{
	int table = fmt == OUT_TABLE;

	if (!v || json_is_null(v))
		return table ? strbuf_puts(sb, "-") : 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return strbuf_append(sb, json_string_value(v), json_string_length(v));
	case JSON_TRUE:
		return strbuf_puts(sb, table ? "yes" : "true");
	case JSON_FALSE:
		return strbuf_puts(sb, table ? "no" : "false");
	case JSON_INTEGER:
		return strbuf_printf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL:
		return strbuf_printf(sb, "%.15g", json_real_value(v));
	case JSON_ARRAY: {
		size_t i;
		const json_t *e;

		if (table && json_array_size(v) == 0)
			return strbuf_puts(sb, "-");
		json_array_foreach (v, i, e) {
			if (i > 0 && strbuf_puts(sb, ", ") != 0)
				return -1;
			if (json_is_array(e) || json_is_object(e)) {
				char *s = json_dumps(e, JSON_COMPACT);
				int rc = s ? strbuf_puts(sb, s) : -1;

				free(s);
				if (rc != 0)
					return -1;
			} else if (output_cell(sb, e, fmt) != 0) {
				return -1;
			}
		}
		return 0;
	}
	default: {
		char *s = json_dumps(v, JSON_COMPACT);
		int rc = s ? strbuf_puts(sb, s) : -1;

		free(s);
		return rc;
	}
	}
}

/*
 * A cell as a person reads it, in a table or in CSV for a Swedish
 * spreadsheet: a timestamp in Swedish local time ("2026-11-16 00:30"), a
 * decimal number in CSV with a decimal comma ("12,5"); the rest as
 * output_cell.
 */
static int shown_cell(struct strbuf *sb, const json_t *v, enum out_format fmt)
{
	char local[SWETIME_LEN];

	if (json_is_string(v) && swetime_local(json_string_value(v), local, sizeof local) == 0)
		return strbuf_puts(sb, local);
	if (json_is_real(v) && fmt == OUT_CSV)
		return swetime_decimal(sb, json_real_value(v));
	return output_cell(sb, v, fmt);
}

int output_json(FILE *f, const json_t *v)
{
	if (json_dumpf(v, f, JSON_INDENT(2)) != 0)
		return -1;
	return fputc('\n', f) == EOF ? -1 : 0;
}

/* The daemon's exports write their cells with the same function, so a
 * cell is quoted and kept from being a formula the same way in both. */
int output_csv_field(struct strbuf *sb, const char *s)
{
	return csv_put(sb, s);
}

int output_csv(FILE *f, const json_t *items, const struct out_col *cols, size_t ncols)
{
	struct strbuf line, cell;
	size_t i;
	const json_t *item;
	int rc = -1;

	strbuf_init(&line, 0);
	strbuf_init(&cell, 0);
	if (strbuf_puts(&line, "\xEF\xBB\xBF") != 0)
		goto out;
	for (size_t c = 0; c < ncols; c++)
		if ((c > 0 && strbuf_puts(&line, ";") != 0) ||
		    output_csv_field(&line, cols[c].header) != 0)
			goto out;
	if (strbuf_puts(&line, "\r\n") != 0 || fwrite(line.data, 1, line.len, f) != line.len)
		goto out;
	json_array_foreach (items, i, item) {
		reset(&line);
		for (size_t c = 0; c < ncols; c++) {
			reset(&cell);
			if (shown_cell(&cell, lookup(item, cols[c].key), OUT_CSV) != 0)
				goto out;
			if ((c > 0 && strbuf_puts(&line, ";") != 0) ||
			    output_csv_field(&line, cell.data ? cell.data : "") != 0)
				goto out;
		}
		if (strbuf_puts(&line, "\r\n") != 0 ||
		    fwrite(line.data, 1, line.len, f) != line.len)
			goto out;
	}
	rc = fflush(f) == 0 ? 0 : -1;
out:
	strbuf_cleanup(&line);
	strbuf_cleanup(&cell);
	return rc;
}

static int scols_flags(unsigned f)
{
	int fl = 0;

	if (f & OUT_COL_TRUNC)
		fl |= SCOLS_FL_TRUNC;
	if (f & OUT_COL_RIGHT)
		fl |= SCOLS_FL_RIGHT;
	if (f & OUT_COL_WRAP)
		fl |= SCOLS_FL_WRAP;
	return fl;
}

/*
 * The cell text s of a wrapping column made into lines of at most width
 * columns, in sb: each line of s (its line breaks are kept) is broken at
 * spaces (text_wrap), and the lines are joined with newlines. Control
 * characters become spaces first, so that the widths text_wrap counts are
 * what the table shows.
 */
static int wrap_cell(struct strbuf *sb, const char *s, size_t width)
{
	struct strbuf clean;
	const char *p;
	int rc = -1, first = 1;

	strbuf_init(&clean, 0);
	for (;;) {
		size_t n = strcspn(s, "\n");

		reset(&clean);
		if (strbuf_append(&clean, s, n) != 0)
			goto out;
		if (clean.data)
			text_clean(clean.data, clean.len);
		p = clean.data ? clean.data : "";
		do {
			size_t next, len = text_wrap(p, width, &next);

			if ((!first && strbuf_puts(sb, "\n") != 0) ||
			    strbuf_append(sb, p, len) != 0)
				goto out;
			first = 0;
			p += next;
		} while (*p);
		if (!s[n])
			break;
		s += n + 1;
	}
	rc = 0;
out:
	strbuf_cleanup(&clean);
	return rc;
}

/*
 * Makes the wrapping columns of tb wrap at words. libsmartcols' own
 * wrapping breaks a cell wherever the column ends ("ex" / "tension"), and
 * its wrap functions get no room to end a line inside a word that is
 * wider than the column. So the table is laid out once, into a string
 * that is thrown away, which gives each wrapping column the width
 * libsmartcols chose for it; each cell too wide for that (or holding a
 * newline) is then broken into lines at words, and the column splits at
 * those line ends. Without a width limit (a pipe, a file) only the line
 * breaks of the text itself split a cell.
 */
static int wrap_words(const struct output *o, struct libscols_table *tb)
{
	size_t ncols = scols_table_get_ncols(tb);
	size_t nlines = scols_table_get_nlines(tb);
	struct strbuf sb;
	char *dry = NULL;
	int any = 0, rc = -1;

	for (size_t c = 0; c < ncols; c++)
		any |= scols_column_is_wrap(scols_table_get_column(tb, c));
	if (!any)
		return 0;
	if (o->width && scols_print_table_to_string(tb, &dry) != 0)
		return -1;
	free(dry);
	strbuf_init(&sb, 0);
	for (size_t c = 0; c < ncols; c++) {
		struct libscols_column *cl = scols_table_get_column(tb, c);
		size_t width = scols_column_get_width(cl);

		if (!scols_column_is_wrap(cl))
			continue;
		for (size_t i = 0; o->width && i < nlines; i++) {
			struct libscols_line *ln = scols_table_get_line(tb, i);
			const char *s = scols_cell_get_data(scols_line_get_cell(ln, c));

			if (!s || (text_table_width(s) <= width && !strchr(s, '\n')))
				continue;
			reset(&sb);
			if (wrap_cell(&sb, s, width) != 0 ||
			    scols_line_set_data(ln, c, sb.data ? sb.data : "") != 0)
				goto out;
		}
		if (scols_column_set_safechars(cl, "\n") != 0 ||
		    scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize, scols_wrapnl_nextchunk,
					      NULL) != 0)
			goto out;
	}
	rc = 0;
out:
	strbuf_cleanup(&sb);
	return rc;
}

/* A table on o->out, as wide as o->width allows. NULL: out of memory. */
static struct libscols_table *new_table(const struct output *o)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	if (scols_table_set_stream(tb, o->out) != 0 ||
	    scols_table_set_termforce(tb, o->width ? SCOLS_TERMFORCE_ALWAYS
						   : SCOLS_TERMFORCE_NEVER) != 0 ||
	    (o->width && scols_table_set_termwidth(tb, o->width) != 0)) {
		scols_unref_table(tb);
		return NULL;
	}
	return tb;
}

/* One table line with the cells of item under cols. */
static int table_row(struct libscols_table *tb, const json_t *item, const struct out_col *cols,
		     size_t ncols)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	struct strbuf cell;
	int rc = -1;

	if (!ln)
		return -1;
	strbuf_init(&cell, 0);
	for (size_t c = 0; c < ncols; c++) {
		reset(&cell);
		if (shown_cell(&cell, lookup(item, cols[c].key), OUT_TABLE) != 0)
			goto out;
		if (cell.data)
			text_cell_lines(cell.data, (cols[c].flags & OUT_COL_WRAP) != 0);
		if (scols_line_set_data(ln, c, cell.data ? cell.data : "") != 0)
			goto out;
	}
	rc = 0;
out:
	strbuf_cleanup(&cell);
	return rc;
}

static int table_list(const struct output *o, const json_t *items, const struct out_col *cols,
		      size_t ncols)
{
	struct libscols_table *tb = new_table(o);
	size_t i;
	const json_t *item;
	int rc = -1;

	if (!tb)
		return -1;
	for (size_t c = 0; c < ncols; c++)
		if (!scols_table_new_column(tb, cols[c].header, 0, scols_flags(cols[c].flags)))
			goto out;
	json_array_foreach (items, i, item)
		if (table_row(tb, item, cols, ncols) != 0)
			goto out;
	if (wrap_words(o, tb) == 0)
		rc = scols_print_table(tb) == 0 ? 0 : -1;
out:
	scols_unref_table(tb);
	return rc;
}

/* "DISPLAY NAME" → "Display name:" for the field column of one object. */
static int field_label(struct strbuf *sb, const char *header)
{
	for (const char *p = header; *p; p++) {
		char c = p == header ? *p : (char)tolower((unsigned char)*p);

		if (strbuf_append(sb, &c, 1) != 0)
			return -1;
	}
	return strbuf_puts(sb, ":");
}

static int table_object(const struct output *o, const json_t *obj, const struct out_col *fields,
			size_t n)
{
	struct libscols_table *tb = new_table(o);
	struct strbuf cell;
	int rc = -1;

	if (!tb)
		return -1;
	strbuf_init(&cell, 0);
	if (scols_table_enable_noheadings(tb, 1) != 0 ||
	    !scols_table_new_column(tb, "FIELD", 0, 0) ||
	    !scols_table_new_column(tb, "VALUE", 0, SCOLS_FL_WRAP))
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			goto out;
		reset(&cell);
		if (field_label(&cell, fields[i].header) != 0 ||
		    scols_line_set_data(ln, 0, cell.data) != 0)
			goto out;
		reset(&cell);
		if (shown_cell(&cell, lookup(obj, fields[i].key), OUT_TABLE) != 0)
			goto out;
		if (cell.data)
			text_cell_lines(cell.data, 1);
		if (scols_line_set_data(ln, 1, cell.data ? cell.data : "") != 0)
			goto out;
	}
	if (wrap_words(o, tb) == 0)
		rc = scols_print_table(tb) == 0 ? 0 : -1;
out:
	strbuf_cleanup(&cell);
	scols_unref_table(tb);
	return rc;
}

int output_list(const struct output *o, const json_t *items, const struct out_col *cols,
		size_t ncols)
{
	int rc;

	if (!json_is_array(items)) {
		output_error(o, "the server sent a list that is not an array");
		return CLI_ERROR;
	}
	switch (o->format) {
	case OUT_JSON:
		rc = output_json(o->out, items);
		break;
	case OUT_CSV:
		rc = output_csv(o->out, items, cols, ncols);
		break;
	default:
		rc = table_list(o, items, cols, ncols);
		break;
	}
	if (rc != 0) {
		output_error(o, "cannot write the output");
		return CLI_ERROR;
	}
	return 0;
}

int output_object(const struct output *o, const json_t *raw, const json_t *display,
		  const struct out_col *fields, size_t nfields)
{
	int rc;

	if (!display)
		display = raw;
	if (!json_is_object(raw) || !json_is_object(display)) {
		output_error(o, "the server sent a result that is not an object");
		return CLI_ERROR;
	}
	switch (o->format) {
	case OUT_JSON:
		rc = output_json(o->out, raw);
		break;
	case OUT_CSV: {
		json_t *one = json_pack("[O]", display);

		rc = one ? output_csv(o->out, one, fields, nfields) : -1;
		json_decref(one);
		break;
	}
	default:
		rc = table_object(o, display, fields, nfields);
		break;
	}
	if (rc != 0) {
		output_error(o, "cannot write the output");
		return CLI_ERROR;
	}
	return 0;
}

static void vline(const struct output *o, const char *prefix, const char *fmt, va_list ap)
{
	struct strbuf sb;

	strbuf_init(&sb, 16384);
	if (strbuf_puts(&sb, prefix) == 0 && strbuf_vprintf(&sb, fmt, ap) == 0) {
		text_clean(sb.data, sb.len);
		fprintf(o->err, "%s\n", sb.data);
	} else {
		fprintf(o->err, "%serror message too long\n", prefix);
	}
	strbuf_cleanup(&sb);
}

void output_error(const struct output *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(o, "samverkan: ", fmt, ap);
	va_end(ap);
}

void output_note(const struct output *o, const char *fmt, ...)
{
	va_list ap;

	if (o->quiet)
		return;
	va_start(ap, fmt);
	vline(o, "", fmt, ap);
	va_end(ap);
}

static const char *str_field(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s && s[0] ? s : NULL;
}

/* "field: message; field: message" from a problem's `errors`. */
static int field_errors(struct strbuf *sb, const json_t *errors)
{
	size_t i;
	const json_t *e;
	int n = 0;

	json_array_foreach (errors, i, e) {
		const char *field = str_field(e, "field");
		const char *msg = str_field(e, "message");

		if (!msg)
			continue;
		if ((n++ > 0 && strbuf_puts(sb, "; ") != 0) ||
		    (field && strbuf_printf(sb, "%s: ", field) != 0) || strbuf_puts(sb, msg) != 0)
			return -1;
	}
	return n;
}

int output_problem(const struct output *o, long status, const json_t *problem,
		   const char *retry_after, const char *request_id, const char *hint)
{
	int exit_code = output_exit_for_status(status);
	size_t row = status_row(status);
	const char *code = str_field(problem, "code");
	const char *detail = str_field(problem, "detail");
	struct strbuf sb;
	int nerr = 0;

	if (o->json_errors && json_is_object(problem)) {
		if (json_dumpf(problem, o->err, JSON_COMPACT) == 0)
			fputc('\n', o->err);
		return exit_code;
	}
	if (!code)
		code = row < N_STATUS ? status_exit[row].what : "error";
	if (!detail)
		detail = str_field(problem, "title");
	strbuf_init(&sb, 16384);
	if (strbuf_printf(&sb, "%s: ", code) != 0)
		goto out;
	if (json_is_array(json_object_get(problem, "errors")))
		nerr = field_errors(&sb, json_object_get(problem, "errors"));
	if (nerr < 0)
		goto out;
	if (nerr == 0 && strbuf_puts(&sb, detail ? detail : "the server gave no detail") != 0)
		goto out;
	if (strbuf_printf(&sb, " (%ld)", status) != 0)
		goto out;
	if (retry_after && strbuf_printf(&sb, "; retry after %s s", retry_after) != 0)
		goto out;
	if (hint && strbuf_printf(&sb, "; %s", hint) != 0)
		goto out;
	if (o->verbose && request_id && strbuf_printf(&sb, " [request %s]", request_id) != 0)
		goto out;
out:
	output_error(o, "%s", sb.data ? sb.data : "error");
	strbuf_cleanup(&sb);
	return exit_code;
}
