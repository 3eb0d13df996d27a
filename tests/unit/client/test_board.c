/*
 * The action-plan board of `plans show`: interventions grouped under their
 * focus area in ordinal order (not the order the server lists them), the
 * earliest due date first within an area, a plain [G]/[Y]/[R] marker
 * unless colour is asked for, colour only on a terminal without NO_COLOR,
 * and no control character from the server reaching the terminal.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

static const char plan_json[] =
    "{\"id\":\"p-1\",\"agreement\":\"a-1\",\"municipality\":\"sigtuna\","
    "\"title\":\"Handlingsplan Sigtuna\",\"status\":\"draft\","
    "\"version\":2,\"adopted_at\":null}";

/* Listed out of ordinal order on purpose. */
static const char areas_json[] = "[{\"id\":\"fa-3\",\"ordinal\":3,\"title\":\"Ungdomar\"},"
				 "{\"id\":\"fa-1\",\"ordinal\":1,\"title\":\"Trygg stadskärna\"},"
				 "{\"id\":\"fa-2\",\"ordinal\":2,\"title\":\"Narkotika\"}]";

static const char ivs_json[] = "[{\"id\":\"i-1\",\"focus_area\":\"fa-3\",\"title\":"
			       "\"Fältassistenter\","
			       "\"rag\":\"green\",\"status\":\"ongoing\",\"progress_percent\":40,"
			       "\"due_on\":\"2025-12-31\",\"overdue\":false,"
			       "\"responsible_organisation\":\"sigtuna\"},"
			       "{\"id\":\"i-2\",\"focus_area\":\"fa-1\",\"title\":\"Belysning\","
			       "\"rag\":\"red\",\"status\":\"planned\",\"progress_percent\":0,"
			       "\"due_on\":\"2025-03-31\",\"overdue\":true,"
			       "\"responsible_organisation\":\"polisen\"},"
			       "{\"id\":\"i-3\",\"focus_area\":\"fa-1\",\"title\":"
			       "\"Trygghetsvandring\","
			       "\"rag\":\"yellow\",\"status\":\"ongoing\",\"progress_percent\":55,"
			       "\"due_on\":\"2025-01-31\",\"overdue\":false,"
			       "\"responsible_organisation\":\"sigtuna\"},"
			       "{\"id\":\"i-4\",\"focus_area\":\"fa-x\",\"title\":\"Okänt område\","
			       "\"rag\":null,\"status\":\"planned\",\"progress_percent\":null,"
			       "\"due_on\":null,\"overdue\":false,"
			       "\"responsible_organisation\":\"sigtuna\"}]";

/* The board for the JSON texts above; the caller frees the text. */
static char *render(const char *plan_text, const char *areas_text, const char *ivs_text, int colour)
{
	json_t *plan = json_loads(plan_text, 0, NULL);
	json_t *areas = areas_text ? json_loads(areas_text, 0, NULL) : NULL;
	json_t *ivs = json_loads(ivs_text, 0, NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(plan && ivs && f);
	cr_assert(!areas_text || areas);
	cr_assert_eq(board_print(f, plan, areas, ivs, colour), 0);
	cr_assert_eq(fclose(f), 0);
	json_decref(plan);
	json_decref(areas);
	json_decref(ivs);
	return buf;
}

/* Where needle starts in hay; fails the test when it is not there. */
static size_t at(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	cr_assert_not_null(p, "'%s' not in:\n%s", needle, hay);
	return (size_t)(p - hay);
}

/* The whole line of hay that holds needle. */
static char *line_of(const char *hay, const char *needle)
{
	size_t pos = at(hay, needle), start = pos, end = pos;

	while (start > 0 && hay[start - 1] != '\n')
		start--;
	while (hay[end] && hay[end] != '\n')
		end++;
	return strndup(hay + start, end - start);
}

Test(board, header_names_the_plan_and_counts)
{
	char *s = render(plan_json, areas_json, ivs_json, 0);

	cr_assert_eq(at(s, "Handlingsplan Sigtuna\n"), 0);
	at(s, "Municipality:  sigtuna");
	at(s, "Status:        draft, version 2\n");
	at(s, "4: 1 green, 1 yellow, 1 red, 1 without RAG; 1 overdue");
	free(s);
}

Test(board, focus_areas_in_ordinal_order)
{
	char *s = render(plan_json, areas_json, ivs_json, 0);
	size_t one = at(s, "\n1. Trygg stadskärna\n");
	size_t two = at(s, "\n2. Narkotika\n");
	size_t three = at(s, "\n3. Ungdomar\n");
	size_t other = at(s, "\nOther focus areas\n");

	cr_assert(one < two && two < three && three < other, "%s", s);
	/* Each intervention under its own area. */
	cr_assert(at(s, "Belysning") > one && at(s, "Belysning") < two);
	cr_assert(at(s, "Trygghetsvandring") > one && at(s, "Trygghetsvandring") < two);
	cr_assert(at(s, "Fältassistenter") > three && at(s, "Fältassistenter") < other);
	cr_assert(at(s, "Okänt område") > other);
	/* An area without interventions says so. */
	cr_assert(at(s + two, "(no interventions)") + two < three);
	free(s);
}

Test(board, earliest_due_first_within_an_area)
{
	char *s = render(plan_json, areas_json, ivs_json, 0);

	/* i-3 (due 2025-01-31) before i-2 (due 2025-03-31), though the
	 * server listed i-2 first. */
	cr_assert(at(s, "Trygghetsvandring") < at(s, "Belysning"), "%s", s);
	free(s);
}

Test(board, plain_line_has_every_column)
{
	char *s = render(plan_json, areas_json, ivs_json, 0);
	char *red = line_of(s, "Belysning");
	char *yellow = line_of(s, "Trygghetsvandring");
	char *none = line_of(s, "Okänt område");

	cr_assert_str_eq(red, "   [R] planned     0%  2025-03-31! polisen  "
			      "Belysning");
	cr_assert_str_eq(yellow, "   [Y] ongoing    55%  2025-01-31  sigtuna  "
				 "Trygghetsvandring");
	cr_assert_str_eq(none, "   [-] planned      -  -           sigtuna  "
			       "Okänt område");
	at(s, "[G] green  [Y] yellow  [R] red  ! overdue");
	cr_assert_null(strchr(s, '\033'), "no escape without colour");
	free(red);
	free(yellow);
	free(none);
	free(s);
}

Test(board, colour_markers_when_asked)
{
	char *s = render(plan_json, areas_json, ivs_json, 1);
	char *red = line_of(s, "Belysning");

	at(red, "\033[97;41m R \033[0m");
	at(s, "\033[30;42m G \033[0m");
	at(s, "\033[30;43m Y \033[0m");
	cr_assert_null(strstr(s, "[G]"));
	cr_assert_null(strstr(s, "[R]"));
	/* No RAG has no colour. */
	at(s, "   [-] planned");
	free(red);
	free(s);
}

struct colour_case {
	int is_tty;
	int has_no_color;
	char no_color[8];
	int want;
};

ParameterizedTestParameters(board, colour_only_on_a_terminal_without_no_color)
{
	static struct colour_case cases[] = {
		{ 1, 0, "", 1 },  /* terminal, NO_COLOR unset */
		{ 1, 1, "", 1 },  /* terminal, NO_COLOR empty */
		{ 1, 1, "1", 0 }, /* terminal, NO_COLOR=1 */
		{ 1, 1, "0", 0 }, /* any non-empty value counts */
		{ 0, 0, "", 0 },  /* pipe or file */
		{ 0, 1, "1", 0 },
	};
	return cr_make_param_array(struct colour_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct colour_case *c, board, colour_only_on_a_terminal_without_no_color, table_none,
	  table_none)
{
	cr_assert_eq(board_colour_wanted(c->is_tty, c->has_no_color ? c->no_color : NULL), c->want,
		     "tty %d, NO_COLOR %s'%s'", c->is_tty, c->has_no_color ? "=" : "unset ",
		     c->no_color);
}

Test(board, server_text_cannot_drive_the_terminal)
{
	char *s = render("{\"id\":\"p\",\"title\":\"Plan\\u001b[2J\\nfake\","
			 "\"status\":\"draft\"}",
			 "[{\"id\":\"f\",\"ordinal\":1,\"title\":\"A\\u001b]0;"
			 "x\\u0007\"}]",
			 "[{\"id\":\"i\",\"focus_area\":\"f\",\"title\":\"T\\u009b31m\","
			 "\"rag\":\"green\",\"status\":\"done\",\"progress_percent\":"
			 "100,"
			 "\"due_on\":\"2025-01-01\",\"overdue\":false,"
			 "\"responsible_organisation\":\"x\\ny\"}]",
			 0);

	cr_assert_null(strchr(s, '\033'), "%s", s);
	cr_assert_null(strchr(s, '\007'));
	cr_assert_null(strstr(s, "\xc2\x9b"));
	cr_assert_null(strstr(s, "\nfake"), "a newline in a title is a space");
	at(s, "[G] done      100%  2025-01-01  x y  T  31m");
	free(s);
}

Test(board, no_focus_areas_and_no_interventions)
{
	char *s = render(plan_json, NULL, "[]", 0);

	at(s, "0: 0 green, 0 yellow, 0 red; 0 overdue");
	cr_assert_null(strstr(s, "overdue\n[G]"), "no legend for an empty "
						  "plan");
	cr_assert_null(strstr(s, "Other focus areas"));
	free(s);
}
