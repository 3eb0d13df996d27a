/*
 * The board's grouping and order (common/plan_board.c), which the CLI's
 * board and the web page both use.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "plan_board.h"

static json_t *iv(const char *title, const char *fa, const char *due)
{
	json_t *o = json_pack("{s:s, s:s?, s:s?}", "title", title, "focus_area", fa, "due_on", due);

	cr_assert(o);
	return o;
}

static const char *title(json_t *o)
{
	return json_string_value(json_object_get(o, "title"));
}

Test(plan_board, an_area_in_due_date_order_then_title_then_as_listed)
{
	json_t *all = json_array();
	json_t *out[8];
	char placed[8] = { 0 };
	size_t n;

	cr_assert(all);
	json_array_append_new(all, iv("Utan datum", "a", NULL));
	json_array_append_new(all, iv("Sent", "a", "2026-12-01"));
	json_array_append_new(all, iv("Annat område", "b", "2026-01-01"));
	json_array_append_new(all, iv("Tidigt B", "a", "2026-03-01"));
	json_array_append_new(all, iv("Tidigt A", "a", "2026-03-01"));
	json_array_append_new(all, iv("Samma", "a", "2026-12-01"));
	json_array_append_new(all, iv("Samma", "a", "2026-12-01"));
	json_array_append_new(all, iv("Okänt område", "x", NULL));

	n = board_pick(all, "a", placed, out);
	cr_assert_eq(n, 6);
	cr_expect_str_eq(title(out[0]), "Tidigt A");
	cr_expect_str_eq(title(out[1]), "Tidigt B");
	cr_expect_str_eq(title(out[2]), "Samma");
	cr_expect_eq(out[2], json_array_get(all, 5), "equal ones keep the API's order");
	cr_expect_eq(out[3], json_array_get(all, 6));
	cr_expect_str_eq(title(out[4]), "Sent");
	cr_expect_str_eq(title(out[5]), "Utan datum");

	n = board_pick(all, "b", placed, out);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(title(out[0]), "Annat område");

	/* What no area took comes last, once. */
	n = board_pick(all, NULL, placed, out);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(title(out[0]), "Okänt område");
	cr_expect_eq(board_pick(all, NULL, placed, out), 0);
	cr_expect_eq(board_pick(all, "none", placed, out), 0);
	json_decref(all);
}
