/*
 * Lägesbild's charts, drawn on the server as SVG (no script): the counts
 * per category of a week against the average of the four weeks before,
 * and the trend of twelve weeks. Each is an image with a text alternative
 * (role="img", an aria-label that says what it shows, and a <title>); the
 * page puts the same numbers in a table beside it, for a reader who
 * cannot see the chart. Colours come from the stylesheet (classes), so
 * the CSP needs no inline style; bars keep at least 3:1 against white.
 */
#include <stdio.h>
#include <string.h>

#include "web_internal.h"

#define CAT_W 480   /* the category chart's width in user units */
#define CAT_ROW 58  /* the height of one category's row */
#define CAT_TOP 30  /* room for the legend */
#define CAT_BAR 340 /* the longest bar; the rest holds the numbers */
#define TREND_W 480
#define TREND_H 220
#define TREND_TOP 24
#define TREND_BASE 180 /* the axis */

static double num(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : 0;
}

/* A number of our own making, written into markup as is. */
static void raw_num(struct html *h, double v)
{
	char b[32];

	snprintf(b, sizeof b, "%.1f", v);
	html_raw(h, b);
}

/* "2,25": a decimal comma, a whole number without decimals. */
static void sv_num(struct html *h, json_t *v)
{
	if (json_is_number(v))
		html_amount(h, v);
	else
		html_raw(h, "0");
}

static void text_at(struct html *h, double x, double y, const char *cls, const char *anchor)
{
	html_raw(h, "<text x=\"");
	raw_num(h, x);
	html_raw(h, "\" y=\"");
	raw_num(h, y);
	html_raw(h, "\" class=\"");
	html_raw(h, cls);
	html_raw(h, "\"");
	if (anchor) {
		html_raw(h, " text-anchor=\"");
		html_raw(h, anchor);
		html_raw(h, "\"");
	}
	html_raw(h, ">");
}

static void rect(struct html *h, const char *cls, double x, double y, double w, double hh)
{
	html_raw(h, "<rect class=\"");
	html_raw(h, cls);
	html_raw(h, "\" x=\"");
	raw_num(h, x);
	html_raw(h, "\" y=\"");
	raw_num(h, y);
	html_raw(h, "\" width=\"");
	raw_num(h, w < 0 ? 0 : w);
	html_raw(h, "\" height=\"");
	raw_num(h, hh);
	html_raw(h, "\"/>");
}

void chart_categories(struct html *h, json_t *cats, const char *label)
{
	size_t i, n = json_array_size(cats);
	double max = 1, height = CAT_TOP + (double)n * CAT_ROW + 4;
	json_t *c;

	json_array_foreach (cats, i, c) {
		if (num(json_object_get(c, "count")) > max)
			max = num(json_object_get(c, "count"));
		if (num(json_object_get(c, "previous_average")) > max)
			max = num(json_object_get(c, "previous_average"));
	}
	html_raw(h, "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 ");
	html_long(h, CAT_W);
	html_raw(h, " ");
	raw_num(h, height);
	html_raw(h, "\" aria-label=\"");
	html_attr(h, label);
	html_raw(h, "\"><title>");
	html_txt(h, label);
	html_raw(h, "</title>");
	/* The legend: what the thick and the thin bar are. */
	rect(h, "bar-now", 0, 6, 14, 14);
	text_at(h, 20, 18, "small", NULL);
	html_raw(h, "Veckan</text>");
	rect(h, "bar-avg", 96, 10, 14, 6);
	text_at(h, 116, 18, "small", NULL);
	html_raw(h, "Snitt de 4 veckorna före</text>");
	json_array_foreach (cats, i, c) {
		double y = CAT_TOP + (double)i * CAT_ROW;
		double now = num(json_object_get(c, "count"));
		double avg = num(json_object_get(c, "previous_average"));

		text_at(h, 0, y + 16, "label", NULL);
		html_txt(h, web_str(c, "name") ? web_str(c, "name") : web_str(c, "category"));
		html_raw(h, "</text>");
		rect(h, "bar-now", 0, y + 22, CAT_BAR * now / max, 14);
		text_at(h, CAT_BAR * now / max + 6, y + 35, "value", NULL);
		sv_num(h, json_object_get(c, "count"));
		html_raw(h, "</text>");
		rect(h, "bar-avg", 0, y + 40, CAT_BAR * avg / max, 6);
		text_at(h, CAT_BAR * avg / max + 6, y + 49, "small", NULL);
		html_raw(h, "snitt ");
		sv_num(h, json_object_get(c, "previous_average"));
		html_raw(h, "</text>");
	}
	html_raw(h, "</svg>");
}

/* "2026-W49" → "49" (the number under a bar). */
static const char *week_number(const char *label)
{
	const char *w = label ? strchr(label, 'W') : NULL;

	if (!w)
		return label ? label : "";
	return w[1] == '0' ? w + 2 : w + 1;
}

void chart_trend(struct html *h, json_t *trend, const char *current, const char *label)
{
	size_t i, n = json_array_size(trend);
	double max = 1, slot = n ? (double)TREND_W / (double)n : TREND_W;
	json_t *t;

	json_array_foreach (trend, i, t)
		if (num(json_object_get(t, "count")) > max)
			max = num(json_object_get(t, "count"));
	html_raw(h, "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 ");
	html_long(h, TREND_W);
	html_raw(h, " ");
	html_long(h, TREND_H);
	html_raw(h, "\" aria-label=\"");
	html_attr(h, label);
	html_raw(h, "\"><title>");
	html_txt(h, label);
	html_raw(h, "</title>");
	html_raw(h, "<line class=\"axis\" x1=\"0\" x2=\"");
	html_long(h, TREND_W);
	html_raw(h, "\" y1=\"");
	html_long(h, TREND_BASE);
	html_raw(h, "\" y2=\"");
	html_long(h, TREND_BASE);
	html_raw(h, "\"/>");
	json_array_foreach (trend, i, t) {
		double v = num(json_object_get(t, "count"));
		double bh = (TREND_BASE - TREND_TOP) * v / max, x = (double)i * slot;
		const char *wk = web_str(t, "week");
		bool cur = wk && current && strcmp(wk, current) == 0;

		rect(h, cur ? "bar-now" : "bar-past", x + slot * 0.15, TREND_BASE - bh, slot * 0.7,
		     bh);
		text_at(h, x + slot / 2, TREND_BASE - bh - 5, "value", "middle");
		html_long(h, (long)v);
		html_raw(h, "</text>");
		text_at(h, x + slot / 2, TREND_BASE + 18, cur ? "label strong" : "label", "middle");
		html_txt(h, week_number(wk));
		html_raw(h, "</text>");
	}
	text_at(h, TREND_W / 2.0, TREND_H - 4, "small", "middle");
	html_raw(h, "Vecka</text></svg>");
}
