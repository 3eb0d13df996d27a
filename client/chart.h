/*
 * Charts in text for the terminal: horizontal bars, sparklines, and the
 * situation picture (lägesbild, SPEC §5) drawn with them — a heading, one
 * line per category with its count as a bar and the change against the
 * four weeks before, the hotspots, and the 12-week trend. On a terminal
 * they use Unicode block characters; in ASCII mode (a pipe or file that
 * asked for a table) '#' bars and a trend of digits, so nothing depends
 * on the reader's font.
 */
#ifndef SVK_CLIENT_CHART_H
#define SVK_CLIENT_CHART_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "strbuf.h"

/*
 * Appends a bar of value scaled so that max fills width cells, padded with
 * spaces to exactly width cells: full blocks and one partial block
 * (eighths), or '#' in ascii mode. A value above 0 shows at least a
 * sliver; max <= 0 gives an empty bar. Returns 0 or -1.
 */
int chart_bar(struct strbuf *sb, double value, double max, int width, int ascii);

/*
 * Appends one character per count, scaled to the largest: ▁ to █, or the
 * digits 0 to 9 in ascii mode. 0 is the lowest mark and any count above
 * 0 at least the second; all zero is all lowest. Returns 0 or -1.
 */
int chart_sparkline(struct strbuf *sb, const long *counts, size_t n, int ascii);

/*
 * Prints the situation document of GET /v1/situation (see daemon/API.md)
 * on f. Text from the server has its control characters replaced. Returns
 * 0 or -1 (out of memory, or writing failed).
 */
int chart_situation(FILE *f, const json_t *sit, int ascii);

#endif
