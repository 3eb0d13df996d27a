/*
 * Reading CSV as spreadsheets and municipal systems write it, for
 * `incidents import`: an optional UTF-8 byte order mark, ';' or ','
 * between fields (whichever the header line uses), RFC 4180 quoting (a
 * quoted field may hold separators, doubled quotes and line breaks), CRLF
 * or LF line ends. The whole input is in memory; the reader walks it one
 * record at a time and says on which line of the file each record starts,
 * so a message names the line a person finds in an editor.
 */
#ifndef SVK_COMMON_CSVREAD_H
#define SVK_COMMON_CSVREAD_H

#include <stddef.h>

#define CSV_CELL_LIMIT ((size_t)1 << 20) /* bytes of one cell */

struct csv_reader {
	const char *p, *end; /* what is left of the input */
	char sep;            /* ';' or ',' */
	long line;           /* the line the next record starts on (1-based) */
};

/* One record; csv_read fills it, csv_record_cleanup frees the cells. */
struct csv_record {
	char **cells; /* n NUL-terminated cells, owned */
	size_t n, cap;
	long line;  /* the line of the file the record starts on */
	int broken; /* a quoted field runs to the end of the input */
};

/*
 * Starts reading data[0..len) (not copied: it must outlive the reader):
 * skips a UTF-8 byte order mark and picks the separator from the first
 * line — ';' unless that line has more ',' outside quotes.
 */
void csv_reader_init(struct csv_reader *r, const char *data, size_t len);

void csv_record_init(struct csv_record *rec);
void csv_record_cleanup(struct csv_record *rec);

/*
 * Reads the next record into rec (its old cells are freed). Unquoted
 * cells lose surrounding spaces and tabs; a CRLF inside a quoted cell
 * becomes LF. Returns 1 for a record, 0 at the end of the input, -1 when
 * out of memory or a cell is longer than CSV_CELL_LIMIT. A quote left
 * open at the end is a record with broken set (its cells hold what was
 * read).
 */
int csv_read(struct csv_reader *r, struct csv_record *rec);

/* True for the record of an empty line (one empty cell). */
int csv_record_blank(const struct csv_record *rec);

/* How many records that are not blank lines are left; r is unchanged. */
long csv_count_records(const struct csv_reader *r);

#endif
