/*
 * CSV for Swedish spreadsheets: ';' between fields, CRLF between rows, a
 * UTF-8 byte order mark first, and RFC 4180 quoting of fields that hold a
 * separator, a quote or a line break.
 */
#ifndef SVK_CSV_H
#define SVK_CSV_H

#include <stdbool.h>

#include "strbuf.h"

#define CSV_BOM "\xEF\xBB\xBF"

/* Appends one field (NULL is empty), preceded by ';' unless first.
 * Returns 0 or -1 (buffer full). */
int csv_field(struct strbuf *sb, const char *s, bool first);
/* Ends the row. */
int csv_end_row(struct strbuf *sb);

#endif
