/*
 * Everything the client prints: results as a table (libsmartcols), JSON or
 * CSV, and errors as one line on stderr that a person can act on, e.g.
 * `samverkan: forbidden: requires the admin right (403)`. Also the one
 * table that maps an HTTP status to the exit code of SPEC §8.
 */
#ifndef SVK_CLIENT_OUTPUT_H
#define SVK_CLIENT_OUTPUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "strbuf.h"

enum out_format { OUT_TABLE = 0, OUT_JSON, OUT_CSV };

struct output {
	enum out_format format;
	int quiet;
	int verbose;
	int json_errors; /* --output json given (not just the non-TTY default)
			  */
	FILE *out;       /* results */
	FILE *err;       /* errors, notes, the --verbose trace */
	size_t width;    /* columns a table may use (the terminal's, see
			    text_term_width); 0: no limit */
};

#define OUT_COL_TRUNC 1u /* may be shortened to fit the terminal */
#define OUT_COL_RIGHT 2u /* numbers */
#define OUT_COL_WRAP 4u  /* long text: wrap in table cells, at words */

/* A column of a list, or a field of a single object. */
struct out_col {
	const char *header; /* "DISPLAY NAME" */
	const char *key;    /* JSON key; "a.b" reaches into an object */
	unsigned flags;     /* OUT_COL_* */
};

/* The exit code for an HTTP status (0 for 2xx); one table, in output.c. */
int output_exit_for_status(long status);

/*
 * Prints a list of objects (a JSON array) in o->format: a table with one
 * row per item, the array itself as JSON, or CSV. Returns 0, or an exit
 * code after printing an error.
 */
int output_list(const struct output *o, const json_t *items, const struct out_col *cols,
		size_t ncols);

/*
 * Prints one object: as a two-column table of fields, as JSON (raw, which
 * may differ from the display copy the table and CSV use), or as CSV with
 * a header row and one data row. display may be NULL (use raw).
 */
int output_object(const struct output *o, const json_t *raw, const json_t *display,
		  const struct out_col *fields, size_t nfields);

/* Pretty JSON of v on f with a final newline. Returns 0 or -1. */
int output_json(FILE *f, const json_t *v);

/*
 * CSV for Swedish spreadsheets: UTF-8 BOM, ';' between fields, CRLF line
 * ends, RFC 4180 quoting of fields with ';', '"', CR or LF, and a "'"
 * before a cell that a spreadsheet would take as a formula (csv_put in
 * common/csv.h). output_csv writes the BOM, the header row and one row
 * per item.
 */
int output_csv_field(struct strbuf *sb, const char *s);
int output_csv(FILE *f, const json_t *items, const struct out_col *cols, size_t ncols);

/*
 * The text of v as a table or CSV cell: strings as they are, true/false
 * ("yes"/"no" in a table), null or missing as "" ("-" in a table), arrays of
 * scalars comma-separated, anything else compact JSON.
 */
int output_cell(struct strbuf *sb, const json_t *v, enum out_format fmt);

/* "samverkan: <message>" on o->err; control characters become spaces. */
void output_error(const struct output *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A note for a person on o->err; nothing with --quiet. */
void output_note(const struct output *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Reports an HTTP error response. With an explicit --output json (flag,
 * environment or config file) the problem document itself is printed, one
 * line on o->err; otherwise one line built from its
 * code, detail and field errors, e.g.
 * `samverkan: validation: slug: must be lowercase (422)`. problem may be
 * NULL (a body that was not a problem document); hint (or NULL) is added
 * to the line, e.g. "run 'samverkan login'". Returns the exit code.
 */
int output_problem(const struct output *o, long status, const json_t *problem,
		   const char *retry_after, const char *request_id, const char *hint);

#endif
