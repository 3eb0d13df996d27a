/*
 * A proposal for `proposals show` on a terminal: its header (title, kind,
 * status, round, affected organisations, the kind's own fields), its
 * resource lines as a small table, and the decision matrix — one row per
 * affected organisation (and per organisation that decided in an earlier
 * round but is no longer affected), one column per round 1..round, each
 * cell "verdict by who at date" or "-" while undecided — followed by the
 * decisions' comments (an återremiss says why).
 */
#ifndef SVK_CLIENT_MATRIX_H
#define SVK_CLIENT_MATRIX_H

#include <jansson.h>
#include <stdio.h>

/*
 * Prints proposal (a proposal object of the API) on f. Text from the
 * server has its control characters replaced. Returns 0 or -1 (out of
 * memory, or writing failed).
 */
int matrix_print(FILE *f, const json_t *proposal);

#endif
