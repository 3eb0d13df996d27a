/*
 * The board of one action plan, for `plans show` on a terminal: the plan
 * header, then the interventions grouped by focus area in ordinal order,
 * one line each — RAG marker, status, progress, due date, responsible
 * organisation, title. The RAG marker is coloured only when asked for;
 * otherwise it is plain text ([G], [Y], [R]) so a pipe, a file or a
 * colour-blind reader loses nothing.
 */
#ifndef SVK_CLIENT_BOARD_H
#define SVK_CLIENT_BOARD_H

#include <jansson.h>
#include <stdio.h>

/*
 * Colour or not: only on a terminal (is_tty) and when NO_COLOR (its value
 * passed as no_color, NULL when unset) is unset or empty
 * (https://no-color.org).
 */
int board_colour_wanted(int is_tty, const char *no_color);

/*
 * Prints the board of plan (an action plan object) with its interventions
 * (an array) grouped under focus_areas (an array; may be NULL or lack an
 * area, whose interventions then come last). Text from the server has its
 * control characters replaced, so a title cannot drive the terminal.
 * Returns 0 or -1 (out of memory, or writing failed).
 */
int board_print(FILE *f, const json_t *plan, const json_t *focus_areas, const json_t *interventions,
		int colour);

#endif
