/*
 * How a plan's board is laid out, for the CLI's board (client/board.c)
 * and the web page (daemon/web/page_plans.c) alike: the interventions
 * grouped by focus area, in the plan's order of the areas, then those of
 * no known area; within a group the earliest due date first (none last),
 * then by title, then as the API listed them.
 */
#ifndef SVK_PLAN_BOARD_H
#define SVK_PLAN_BOARD_H

#include <jansson.h>
#include <stddef.h>

/* The interventions of focus area id (NULL: every one that no earlier
 * call placed) in the board's order, into out (room for all of them);
 * marks them in placed (one byte per intervention, zeroed before the
 * first call). Returns how many. */
size_t board_pick(const json_t *interventions, const char *id, char *placed, json_t **out);

#endif
