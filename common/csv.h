/*
 * CSV for Swedish spreadsheets: ';' between fields, CRLF between rows, a
 * UTF-8 byte order mark first, and RFC 4180 quoting of fields that hold a
 * separator, a quote or a line break.
 *
 * No cell can carry a spreadsheet formula (CSV injection): a cell starting
 * with '=', '+', '-', '@', a tab or a carriage return is written with a
 * leading "'", which spreadsheets take as "this is text", unless the
 * whole cell is a plain decimal number such as "-3" or "-2,50" (see
 * csv.c for why).
 */
#ifndef SVK_CSV_H
#define SVK_CSV_H

#include <stdbool.h>

#include "strbuf.h"

#define CSV_BOM "\xEF\xBB\xBF"

/* Appends the text of one cell, guarded and quoted as above (NULL is
 * empty). Returns 0 or -1 (buffer full). */
int csv_put(struct strbuf *sb, const char *s);
/* Appends one field (NULL is empty), preceded by ';' unless first.
 * Returns 0 or -1 (buffer full). */
int csv_field(struct strbuf *sb, const char *s, bool first);
/* Ends the row. */
int csv_end_row(struct strbuf *sb);

#endif
