/*
 * The board's grouping and order; see board.h.
 */
#include "plan_board.h"

#include <string.h>

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Whether x goes before y: earliest due date first (none last), then
 * title. Equal ones keep the API's order (the sort below is stable). */
static int before(const json_t *x, const json_t *y)
{
	const char *dx = str(x, "due_on"), *dy = str(y, "due_on");
	const char *tx = str(x, "title"), *ty = str(y, "title");
	int c = dx && dy ? strcmp(dx, dy) : 0;

	if (c != 0)
		return c < 0;
	if (!dx != !dy)
		return dx != NULL;
	return strcmp(tx ? tx : "", ty ? ty : "") < 0;
}

size_t board_pick(const json_t *interventions, const char *id, char *placed, json_t **out)
{
	size_t i, n = 0;
	json_t *iv;

	json_array_foreach (interventions, i, iv) {
		const char *fa = str(iv, "focus_area");

		if (id ? !fa || strcmp(fa, id) != 0 : placed[i])
			continue;
		placed[i] = 1;
		out[n++] = iv;
	}
	/* Insertion sort: stable, and a focus area holds tens of items. */
	for (i = 1; i < n; i++) {
		json_t *cur = out[i];
		size_t k = i;

		for (; k > 0 && before(cur, out[k - 1]); k--)
			out[k] = out[k - 1];
		out[k] = cur;
	}
	return n;
}
