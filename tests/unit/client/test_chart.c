/*
 * The charts of `situation` and the import's progress bar: bars scaled to
 * the largest value (eighths of a block on a terminal, '#' in ASCII), a
 * sparkline of ▁ to █ (digits in ASCII), and the situation picture drawn
 * from the server's document — in ASCII mode nothing but ASCII.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

struct bar_case {
	double value, max;
	int width, ascii;
	char want[100];
};

ParameterizedTestParameters(chart, bar)
{
	static struct bar_case cases[] = {
		{ 3, 3, 10, 1, "##########" },
		{ 1, 4, 10, 1, "###       " }, /* 2.5 rounds up */
		{ 0, 5, 6, 1, "      " },
		{ 1, 1000, 5, 1, "#    " }, /* one among many still shows */
		{ 7, 0, 4, 1, "    " },     /* no maximum: an empty bar */
		{ 9, 3, 3, 1, "###" },      /* never past the width */
		{ 3, 3, 4, 0, "\u2588\u2588\u2588\u2588" },
		{ 1, 2, 3, 0, "\u2588\u258C " }, /* one and a half cells */
		{ 1, 8, 1, 0, "\u258F" },        /* one eighth */
		{ 0, 8, 2, 0, "  " },
	};
	return cr_make_param_array(struct bar_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct bar_case *c, chart, bar, table_none, table_none)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	cr_assert_eq(chart_bar(&sb, c->value, c->max, c->width, c->ascii), 0);
	cr_assert_str_eq(sb.data ? sb.data : "", c->want, "%g of %g in %d (ascii %d)", c->value,
			 c->max, c->width, c->ascii);
	strbuf_cleanup(&sb);
}

struct spark_case {
	long counts[12];
	size_t n;
	int ascii;
	char want[64];
};

ParameterizedTestParameters(chart, sparkline)
{
	static struct spark_case cases[] = {
		{ { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 10, 1, "0123456789" },
		{ { 1, 100 }, 2, 1, "19" }, /* above zero is never 0 */
		{ { 0, 0, 0 }, 3, 1, "000" },
		{ { 0, 4, 8 }, 3, 0, "\u2581\u2585\u2588" },
		{ { 0, 0 }, 2, 0, "\u2581\u2581" },
		{ { 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 }, 12, 1, "999999999999" },
	};
	return cr_make_param_array(struct spark_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct spark_case *c, chart, sparkline, table_none, table_none)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	cr_assert_eq(chart_sparkline(&sb, c->counts, c->n, c->ascii), 0);
	cr_assert_str_eq(sb.data ? sb.data : "", c->want);
	strbuf_cleanup(&sb);
}

static const char situation[] =
    "{\"municipality\":\"sigtuna\",\"week\":\"2026-W47\","
    "\"from\":\"2026-11-16\",\"to\":\"2026-11-22\",\"total\":12,"
    "\"previous_average\":9.5,\"suppressed\":true,"
    "\"categories\":["
    "{\"category\":\"klotter\",\"name\":\"Klotter\",\"count\":6,"
    "\"previous_average\":4.5,\"change\":1.5,\"change_percent\":33.3},"
    "{\"category\":\"brand\",\"name\":\"Brand\",\"count\":3,"
    "\"previous_average\":5,\"change\":-2,\"change_percent\":-40},"
    "{\"category\":\"ovrigt\",\"name\":\"Ovrigt\",\"count\":3,"
    "\"previous_average\":0,\"change\":3,\"change_percent\":null},"
    "{\"category\":\"narkotika\",\"name\":\"Narkotika\",\"count\":0,"
    "\"previous_average\":0.25,\"change\":-0.25,"
    "\"change_percent\":-100}],"
    "\"hotspots\":[{\"place\":\"Marsta centrum\",\"count\":5},"
    "{\"place\":\"Valsta\",\"count\":\"<3\"}],"
    "\"trend\":["
    "{\"week\":\"2026-W36\",\"count\":4},{\"week\":\"2026-W37\",\"count\":0},"
    "{\"week\":\"2026-W38\",\"count\":8},{\"week\":\"2026-W39\",\"count\":9},"
    "{\"week\":\"2026-W40\",\"count\":10},{\"week\":\"2026-W41\",\"count\":11},"
    "{\"week\":\"2026-W42\",\"count\":9},{\"week\":\"2026-W43\",\"count\":8},"
    "{\"week\":\"2026-W44\",\"count\":10},{\"week\":\"2026-W45\",\"count\":9},"
    "{\"week\":\"2026-W46\",\"count\":11},{\"week\":\"2026-W47\",\"count\":12}"
    "]}";

/* The picture as printed, in ascii mode or not (the caller frees). */
static char *draw(int ascii)
{
	json_t *sit = json_loads(situation, 0, NULL);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(sit);
	cr_assert_not_null(f);
	cr_assert_eq(chart_situation(f, sit, ascii), 0);
	fclose(f);
	json_decref(sit);
	return text;
}

/* The line of text that starts with prefix, or fails. */
static char *line_of(const char *text, const char *prefix)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (strncmp(p, prefix, strlen(prefix)) == 0)
			return strndup(p, n);
		p = nl ? nl + 1 : NULL;
	}
	cr_assert_fail("no line starts with '%s' in:\n%s", prefix, text);
	return NULL;
}

Test(chart, situation_in_ascii)
{
	char *text = draw(1), *l;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		cr_assert_lt(*p, 0x80, "not ASCII at %zu:\n%s",
			     (size_t)(p - (const unsigned char *)text), text);
	l = line_of(text, "sigtuna, week 2026-W47");
	cr_assert_str_eq(l, "sigtuna, week 2026-W47 (2026-11-16 - 2026-11-22): "
			    "12 incidents; previous 4-week average 9.5");
	free(l);
	l = line_of(text, "Klotter ");
	cr_assert(strstr(l, "     6  ##############################  "), "%s", l);
	cr_assert(strstr(l, "4.5    +1.5    +33.3%"), "%s", l);
	free(l);
	l = line_of(text, "Brand ");
	cr_assert(strstr(l, "  ###############                 "), "half of 6: %s", l);
	cr_assert(strstr(l, "5.0    -2.0    -40.0%"), "%s", l);
	free(l);
	l = line_of(text, "Ovrigt ");
	cr_assert(strstr(l, "+3.0"), "%s", l);
	cr_assert_null(strstr(l, "%"), "no percent of a zero average: %s", l);
	free(l);
	l = line_of(text, "Narkotika ");
	cr_assert(strstr(l, " 0.25   -0.25  -100.0%"), "quarters exact: %s", l);
	free(l);
	l = line_of(text, "  Valsta");
	cr_assert(strstr(l, "<3"), "%s", l);
	free(l);
	l = line_of(text, "Trend");
	cr_assert_str_eq(l, "Trend  2026-W36 306788768789 2026-W47  "
			    "(4 0 8 9 10 11 9 8 10 9 11 12)");
	free(l);
	cr_assert(strstr(text, "fewer than 3"), "suppression is explained");
	free(text);
}

Test(chart, situation_on_a_terminal)
{
	char *text = draw(0), *l;

	l = line_of(text, "Klotter ");
	cr_assert(strstr(l, "\u2588\u2588\u2588"), "%s", l);
	free(l);
	l = line_of(text, "Brand ");
	cr_assert(strstr(l, "\u22122.0"), "a minus sign: %s", l);
	free(l);
	l = line_of(text, "Trend");
	cr_assert(strstr(l, "\u2583\u2581"), "4 then 0: %s", l);
	free(l);
	cr_assert(strstr(text, "2026-11-16 \u2013 2026-11-22"), "%s", text);
	free(text);
}
