/*
 * Text for a terminal, in one place: how wide the terminal is, how many
 * columns UTF-8 text takes (Upplands Väsby is 14, 日本 is 4), padding to a
 * width, breaking a long text into lines at word boundaries, and making
 * text from the server harmless before it reaches a terminal (no control
 * characters, so no escape sequences). The plan board, the situation
 * picture, the proposal's matrix and the tables all measure with it.
 */
#ifndef SVK_CLIENT_TEXT_H
#define SVK_CLIENT_TEXT_H

#include <stddef.h>

#include "strbuf.h"

/* Columns of a terminal that does not say how wide it is. */
#define TEXT_TERM_FALLBACK 80

/*
 * The columns a table written to fd may use: 0 when fd is not a terminal
 * (no limit: a pipe or a file gets whole lines); otherwise the terminal's
 * width, else $COLUMNS when it is a positive whole number, else 80. The
 * same rules libsmartcols applies on its own.
 */
size_t text_term_width(int fd);

/*
 * The columns text takes on a terminal: a wide character (日) counts 2, a
 * combining accent 0, a character the locale cannot measure 1. A control
 * character counts as the spaces text_clean makes of it (one; two for a
 * C1 control), and a byte that is not UTF-8 counts 1, so that the width
 * of server text is the width it has once cleaned. NULL counts 0.
 */
size_t text_width(const char *s);

/*
 * The columns s takes in a libsmartcols table, which shows a control
 * character, a character the locale cannot print, a byte that is not
 * UTF-8 and the backslash of "\x" as \xHH (four columns a byte) rather
 * than sending it to the terminal.
 */
size_t text_table_width(const char *s);

/*
 * Replaces control characters (C0, DEL and the two-byte C1 controls, so a
 * newline or an escape sequence from a hostile server) in s[0..len) with
 * spaces, so text stays one harmless line of the same length in bytes.
 */
void text_clean(char *s, size_t len);

/*
 * Makes s (NUL-terminated, changed in place) the text of a table cell: a
 * CR LF line end becomes LF and a tab a space; with lines, a LF stays a
 * line break (the table shows it as one), else it becomes a space. Every
 * other control character is left for libsmartcols to show as \xHH, so
 * an escape sequence from the server never reaches the terminal.
 */
void text_cell_lines(char *s, int lines);

/* Appends s cleaned; NULL (a missing value) appends "-". 0 or -1. */
int text_append_clean(struct strbuf *sb, const char *s);

/* Appends n spaces. 0 or -1. */
int text_append_spaces(struct strbuf *sb, size_t n);

enum text_align { TEXT_LEFT, TEXT_RIGHT };

/*
 * Appends s cleaned (NULL: "-") and padded with spaces to width columns:
 * after it (TEXT_LEFT) or before it (TEXT_RIGHT). Wider text is appended
 * whole; nothing is cut. 0 or -1.
 */
int text_append_padded(struct strbuf *sb, const char *s, size_t width, enum text_align align);

/*
 * Where the first line of s ends when lines hold at most width columns:
 * after the last word that fits, breaking at spaces, and inside a word
 * only when that word alone is wider than width (at least one character
 * goes on every line). Returns the line's length in bytes without the
 * spaces at the break; *next is where the following line starts (those
 * spaces skipped), strlen(s) when s fits whole (then the return value is
 * strlen(s) too).
 */
size_t text_wrap(const char *s, size_t width, size_t *next);

#endif
