/*
 * Text charts and the situation picture (see chart.h). Plain stdio and
 * hand-padded columns, like the plan board: the picture is a document
 * with headings between parts, not one table. Widths count columns
 * (text_width), not bytes, so Skadegörelse lines up with Klotter.
 */
#include "chart.h"

#include <math.h>
#include <string.h>

#include "text.h"

#define CHART_BAR_WIDTH 30
#define CHART_NAME_MIN 8
#define CHART_NAME_MAX 24
#define CHART_TREND_MAX 52

/* ▏▎▍▌▋▊▉█: one to eight eighths of a cell. */
static const char *const eighths[8] = {
	"\u258F", "\u258E", "\u258D", "\u258C", "\u258B", "\u258A", "\u2589", "\u2588",
};

/* ▁▂▃▄▅▆▇█ */
static const char *const sparks[8] = {
	"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
};

static int repeat(struct strbuf *sb, const char *s, long n)
{
	for (long i = 0; i < n; i++)
		if (strbuf_puts(sb, s) != 0)
			return -1;
	return 0;
}

int chart_bar(struct strbuf *sb, double value, double max, int width, int ascii)
{
	long units, per = ascii ? 1 : 8, cells;

	if (width < 1)
		return 0;
	units = 0;
	if (max > 0 && value > 0) {
		double v = value > max ? max : value;

		units = lround(v / max * (double)width * (double)per);
		if (units < 1)
			units = 1; /* a count of 1 among 500 is still there */
	}
	cells = units / per + (units % per ? 1 : 0);
	if (ascii) {
		if (repeat(sb, "#", units) != 0)
			return -1;
	} else if (repeat(sb, eighths[7], units / 8) != 0 ||
		   (units % 8 && strbuf_puts(sb, eighths[units % 8 - 1]) != 0)) {
		return -1;
	}
	return repeat(sb, " ", width - cells);
}

int chart_sparkline(struct strbuf *sb, const long *counts, size_t n, int ascii)
{
	long max = 0, top = ascii ? 9 : 7;

	for (size_t i = 0; i < n; i++)
		if (counts[i] > max)
			max = counts[i];
	for (size_t i = 0; i < n; i++) {
		long level = 0;

		if (max > 0 && counts[i] > 0) {
			level = lround((double)counts[i] / (double)max * (double)top);
			if (level < 1)
				level = 1;
		}
		if (ascii ? strbuf_printf(sb, "%ld", level) != 0
			  : strbuf_puts(sb, sparks[level]) != 0)
			return -1;
	}
	return 0;
}

/*
 * A number of a 4-week mean: a multiple of 0.25, so two decimals are
 * exact; a second decimal that is 0 is left out ("2.25", "1.5", "2.0"),
 * or with align made a space, so that points line up in a column.
 */
static int decimal(struct strbuf *sb, double v, int align)
{
	char text[64];
	int n = snprintf(text, sizeof text, "%.2f", v);

	if (n < 4 || n >= (int)sizeof text)
		return -1;
	if (text[n - 1] == '0')
		text[n - 1] = align ? ' ' : '\0';
	return strbuf_puts(sb, text);
}

/* A signed change, "+1.5" or "−2.0" (a hyphen in ascii mode), "0.0"
 * when it rounds to nothing; unit "%" for a percentage (one decimal). */
static int signed_number(struct strbuf *sb, double v, const char *unit, int ascii)
{
	double mag = fabs(v);

	if (mag < 0.005)
		return strbuf_printf(sb, "%s", unit[0] ? "0.0%" : "0.0 ");
	if (strbuf_puts(sb, v < 0 ? (ascii ? "-" : "\u2212") : "+") != 0)
		return -1;
	if (unit[0])
		return strbuf_printf(sb, "%.1f%s", mag, unit);
	return decimal(sb, mag, 1);
}

static const char *str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "-";
}

static double num(const json_t *obj, const char *key)
{
	return json_number_value(json_object_get(obj, key));
}

/* Writes sb as one line (trailing spaces dropped) and empties it. */
static int write_line(FILE *f, struct strbuf *sb)
{
	int rc = 0;

	while (sb->len > 0 && sb->data[sb->len - 1] == ' ')
		sb->data[--sb->len] = '\0';
	if (strbuf_puts(sb, "\n") != 0 || fwrite(sb->data, 1, sb->len, f) != sb->len)
		rc = -1;
	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
	return rc;
}

/* "sigtuna, week 2026-W47 (2026-11-16 – 2026-11-22): 12 incidents;
 * previous 4-week average 9.5" */
static int heading(FILE *f, struct strbuf *sb, const json_t *sit, int ascii)
{
	double total = num(sit, "total");

	if (text_append_clean(sb, str(sit, "municipality")) != 0 ||
	    strbuf_puts(sb, ", week ") != 0 || text_append_clean(sb, str(sit, "week")) != 0 ||
	    strbuf_puts(sb, " (") != 0 || text_append_clean(sb, str(sit, "from")) != 0 ||
	    strbuf_puts(sb, ascii ? " - " : " \u2013 ") != 0 ||
	    text_append_clean(sb, str(sit, "to")) != 0 ||
	    strbuf_printf(sb, "): %.0f incident%s; previous 4-week average ", total,
			  total == 1 ? "" : "s") != 0 ||
	    decimal(sb, num(sit, "previous_average"), 0) != 0)
		return -1;
	return write_line(f, sb);
}

/* The widest category name, within CHART_NAME_MIN..CHART_NAME_MAX. */
static size_t name_width(const json_t *cats)
{
	size_t w = CHART_NAME_MIN, i;
	const json_t *c;

	json_array_foreach (cats, i, c) {
		size_t n = text_width(str(c, "name"));

		if (n > w)
			w = n < CHART_NAME_MAX ? n : CHART_NAME_MAX;
	}
	return w;
}

static int category_line(struct strbuf *sb, const json_t *c, size_t width, double max, int ascii)
{
	const json_t *pct = json_object_get(c, "change_percent");
	struct strbuf part;
	int rc = -1;

	strbuf_init(&part, 256);
	if (text_append_padded(sb, str(c, "name"), width, TEXT_LEFT) != 0 ||
	    strbuf_printf(sb, " %5.0f  ", num(c, "count")) != 0 ||
	    chart_bar(sb, num(c, "count"), max, CHART_BAR_WIDTH, ascii) != 0 ||
	    strbuf_puts(sb, "  ") != 0 || decimal(&part, num(c, "previous_average"), 1) != 0 ||
	    text_append_padded(sb, part.data, 8, TEXT_RIGHT) != 0 || strbuf_puts(sb, "  ") != 0)
		goto out;
	part.len = 0;
	if (signed_number(&part, num(c, "change"), "", ascii) != 0 ||
	    text_append_padded(sb, part.data, 6, TEXT_RIGHT) != 0)
		goto out;
	part.len = 0;
	if (json_is_number(pct) &&
	    (signed_number(&part, json_number_value(pct), "%", ascii) != 0 ||
	     strbuf_puts(sb, "  ") != 0 || text_append_padded(sb, part.data, 7, TEXT_RIGHT) != 0))
		goto out;
	rc = 0;
out:
	strbuf_cleanup(&part);
	return rc;
}

static int categories(FILE *f, struct strbuf *sb, const json_t *cats, int ascii)
{
	size_t width = name_width(cats), i;
	const json_t *c;
	double max = 0;

	json_array_foreach (cats, i, c)
		if (num(c, "count") > max)
			max = num(c, "count");
	if (text_append_padded(sb, "Category", width, TEXT_LEFT) != 0 ||
	    strbuf_printf(sb, " %5s  %-*s  %8s  %6s  %7s", "Count", CHART_BAR_WIDTH, "", "Avg 4 wk",
			  "Change", "%") != 0 ||
	    write_line(f, sb) != 0)
		return -1;
	json_array_foreach (cats, i, c)
		if (category_line(sb, c, width, max, ascii) != 0 || write_line(f, sb) != 0)
			return -1;
	return 0;
}

/* A hotspot's count: a number, or the string "<3" when suppressed. */
static int hotspot_count(struct strbuf *sb, const json_t *count)
{
	char n[32];

	if (json_is_string(count))
		return text_append_padded(sb, json_string_value(count), 5, TEXT_RIGHT);
	(void)snprintf(n, sizeof n, "%.0f", json_number_value(count));
	return text_append_padded(sb, n, 5, TEXT_RIGHT);
}

static int hotspots(FILE *f, struct strbuf *sb, const json_t *sit)
{
	const json_t *spots = json_object_get(sit, "hotspots"), *h;
	size_t width = CHART_NAME_MIN, i;

	if (json_array_size(spots) == 0)
		return fputs("\nHotspots: none\n", f) == EOF ? -1 : 0;
	json_array_foreach (spots, i, h) {
		size_t n = text_width(str(h, "place"));

		if (n > width)
			width = n < CHART_NAME_MAX ? n : CHART_NAME_MAX;
	}
	if (fputs("\nHotspots\n", f) == EOF)
		return -1;
	json_array_foreach (spots, i, h)
		if (strbuf_puts(sb, "  ") != 0 ||
		    text_append_padded(sb, str(h, "place"), width, TEXT_LEFT) != 0 ||
		    hotspot_count(sb, json_object_get(h, "count")) != 0 || write_line(f, sb) != 0)
			return -1;
	if (json_is_true(json_object_get(sit, "suppressed")) &&
	    fputs("  (places with fewer than 3 incidents show <3)\n", f) == EOF)
		return -1;
	return 0;
}

/* "Trend  2026-W36 ▁▂▃▅▇█▆▅▃▂▁▂ 2026-W47  (4 5 3 …)" */
static int trend(FILE *f, struct strbuf *sb, const json_t *sit, int ascii)
{
	const json_t *weeks = json_object_get(sit, "trend");
	long counts[CHART_TREND_MAX];
	size_t n = json_array_size(weeks), i;
	const char *first, *last;

	if (n == 0)
		return 0;
	if (n > CHART_TREND_MAX)
		n = CHART_TREND_MAX;
	for (i = 0; i < n; i++)
		counts[i] = (long)num(json_array_get(weeks, i), "count");
	first = str(json_array_get(weeks, 0), "week");
	last = str(json_array_get(weeks, n - 1), "week");
	if (strbuf_puts(sb, "\nTrend  ") != 0 || text_append_clean(sb, first) != 0 ||
	    strbuf_puts(sb, " ") != 0 || chart_sparkline(sb, counts, n, ascii) != 0 ||
	    strbuf_puts(sb, " ") != 0 || text_append_clean(sb, last) != 0 ||
	    strbuf_puts(sb, "  (") != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (strbuf_printf(sb, "%s%ld", i ? " " : "", counts[i]) != 0)
			return -1;
	if (strbuf_puts(sb, ")") != 0)
		return -1;
	return write_line(f, sb);
}

int chart_situation(FILE *f, const json_t *sit, int ascii)
{
	struct strbuf sb;
	int rc = -1;

	strbuf_init(&sb, 65536);
	if (heading(f, &sb, sit, ascii) != 0 || fputs("\n", f) == EOF ||
	    categories(f, &sb, json_object_get(sit, "categories"), ascii) != 0 ||
	    hotspots(f, &sb, sit) != 0 || trend(f, &sb, sit, ascii) != 0)
		goto out;
	rc = fflush(f) == 0 ? 0 : -1;
out:
	strbuf_cleanup(&sb);
	return rc;
}
