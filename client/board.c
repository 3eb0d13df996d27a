/*
 * The action-plan board (see board.h). Plain stdio and fixed columns
 * rather than libsmartcols: the board is a document with headings between
 * groups, not one table, and every column but the last (the title) is
 * short ASCII from a fixed set, so padding by hand lines it up.
 */
#include "board.h"

#include <stdlib.h>
#include <string.h>

#include "plan_board.h"
#include "strbuf.h"
#include "swetime.h"
#include "text.h"

#define BOARD_ORG_MAX 24 /* wider organisation slugs overflow their column */

/* RAG value → marker. The coloured one is a badge of the same width, with
 * the letter kept so the colour is never the only signal. */
static const struct {
	const char *rag, *plain, *colour;
} markers[] = {
	{ "green", "[G]", "\033[30;42m G \033[0m" },
	{ "yellow", "[Y]", "\033[30;43m Y \033[0m" },
	{ "red", "[R]", "\033[97;41m R \033[0m" },
};

#define N_MARKERS (sizeof markers / sizeof markers[0])
#define NO_MARKER "[-]"

int board_colour_wanted(int is_tty, const char *no_color)
{
	return is_tty && (!no_color || !no_color[0]);
}

static const char *marker(const char *rag, int colour)
{
	for (size_t i = 0; rag && i < N_MARKERS; i++)
		if (strcmp(markers[i].rag, rag) == 0)
			return colour ? markers[i].colour : markers[i].plain;
	return NO_MARKER;
}

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int write_line(FILE *f, struct strbuf *sb)
{
	int rc = 0;

	if (strbuf_puts(sb, "\n") != 0 || fwrite(sb->data, 1, sb->len, f) != sb->len)
		rc = -1;
	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
	return rc;
}

struct fa_ref {
	json_int_t ordinal;
	size_t idx;
};

static int cmp_fa(const void *a, const void *b)
{
	const struct fa_ref *x = a, *y = b;

	if (x->ordinal != y->ordinal)
		return x->ordinal < y->ordinal ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct board {
	FILE *f;
	int colour;
	size_t org_width;
	struct strbuf line;
	json_t **refs; /* one per intervention, reused per group */
	char *placed;  /* which interventions have a known area */
};

static int print_intervention(struct board *b, const json_t *iv)
{
	struct strbuf *sb = &b->line;
	const json_t *progress = json_object_get(iv, "progress_percent");

	if (strbuf_puts(sb, "   ") != 0 ||
	    strbuf_puts(sb, marker(str(iv, "rag"), b->colour)) != 0 || strbuf_puts(sb, " ") != 0 ||
	    text_append_padded(sb, str(iv, "status"), 10, TEXT_LEFT) != 0)
		return -1;
	if (json_is_integer(progress) ? strbuf_printf(sb, "%3" JSON_INTEGER_FORMAT "%%  ",
						      json_integer_value(progress)) != 0
				      : strbuf_puts(sb, "   -  ") != 0)
		return -1;
	if (text_append_padded(sb, str(iv, "due_on"), 10, TEXT_LEFT) != 0 ||
	    strbuf_puts(sb, json_is_true(json_object_get(iv, "overdue")) ? "! " : "  ") != 0 ||
	    text_append_padded(sb, str(iv, "responsible_organisation"), b->org_width + 2,
			       TEXT_LEFT) != 0 ||
	    text_append_clean(sb, str(iv, "title")) != 0)
		return -1;
	return write_line(b->f, sb);
}

/* The interventions whose focus_area is id (all unplaced ones: NULL). */
static int print_group(struct board *b, const json_t *interventions, const char *id)
{
	size_t i, n = board_pick(interventions, id, b->placed, b->refs);

	if (n == 0)
		return strbuf_puts(&b->line, "   (no interventions)") == 0
			   ? write_line(b->f, &b->line)
			   : -1;
	for (i = 0; i < n; i++)
		if (print_intervention(b, b->refs[i]) != 0)
			return -1;
	return 0;
}

static int print_header(struct board *b, const json_t *plan, const json_t *interventions)
{
	struct strbuf *sb = &b->line;
	size_t counts[N_MARKERS + 1] = { 0 }, overdue = 0, i, total;
	const json_t *iv, *version = json_object_get(plan, "version");
	char local[SWETIME_LEN];

	total = json_array_size(interventions);
	json_array_foreach (interventions, i, iv) {
		const char *rag = str(iv, "rag");
		size_t m = 0;

		while (m < N_MARKERS && (!rag || strcmp(markers[m].rag, rag) != 0))
			m++;
		counts[m]++;
		overdue += json_is_true(json_object_get(iv, "overdue"));
	}
	if (text_append_clean(sb, str(plan, "title")) != 0 || write_line(b->f, sb) != 0 ||
	    strbuf_puts(sb, "  Plan:          ") != 0 ||
	    text_append_clean(sb, str(plan, "id")) != 0 || write_line(b->f, sb) != 0 ||
	    strbuf_puts(sb, "  Municipality:  ") != 0 ||
	    text_append_clean(sb, str(plan, "municipality")) != 0 || write_line(b->f, sb) != 0 ||
	    strbuf_puts(sb, "  Status:        ") != 0 ||
	    text_append_clean(sb, str(plan, "status")) != 0)
		return -1;
	if (json_is_integer(version) &&
	    strbuf_printf(sb, ", version %" JSON_INTEGER_FORMAT, json_integer_value(version)) != 0)
		return -1;
	if (str(plan, "adopted_at") &&
	    (strbuf_puts(sb, ", adopted ") != 0 ||
	     text_append_clean(sb, swetime_text(str(plan, "adopted_at"), local, sizeof local)) !=
		 0))
		return -1;
	if (write_line(b->f, sb) != 0 ||
	    strbuf_printf(sb,
			  "  Interventions: %zu: %zu green, %zu yellow, %zu "
			  "red",
			  total, counts[0], counts[1], counts[2]) != 0 ||
	    (counts[N_MARKERS] && strbuf_printf(sb, ", %zu without RAG", counts[N_MARKERS]) != 0) ||
	    strbuf_printf(sb, "; %zu overdue", overdue) != 0)
		return -1;
	return write_line(b->f, sb);
}

static int print_legend(struct board *b)
{
	struct strbuf *sb = &b->line;

	for (size_t m = 0; m < N_MARKERS; m++)
		if (strbuf_printf(sb, "%s%s %s", m ? "  " : "",
				  b->colour ? markers[m].colour : markers[m].plain,
				  markers[m].rag) != 0)
			return -1;
	if (strbuf_puts(sb, "  ! overdue") != 0)
		return -1;
	return write_line(b->f, sb);
}

int board_print(FILE *f, const json_t *plan, const json_t *focus_areas, const json_t *interventions,
		int colour)
{
	struct board b = { f, colour, 0, { 0 }, NULL, NULL };
	size_t nfa = json_array_size(focus_areas);
	size_t niv = json_array_size(interventions), i;
	struct fa_ref *order = NULL;
	const json_t *x;
	int rc = -1;

	strbuf_init(&b.line, 1 << 20);
	b.refs = calloc(niv ? niv : 1, sizeof *b.refs);
	b.placed = calloc(niv ? niv : 1, 1);
	order = calloc(nfa ? nfa : 1, sizeof *order);
	if (!b.refs || !b.placed || !order)
		goto out;
	json_array_foreach (interventions, i, x) {
		size_t w = text_width(str(x, "responsible_organisation"));

		if (w > b.org_width)
			b.org_width = w < BOARD_ORG_MAX ? w : BOARD_ORG_MAX;
	}
	json_array_foreach (focus_areas, i, x) {
		order[i].ordinal = json_integer_value(json_object_get(x, "ordinal"));
		order[i].idx = i;
	}
	qsort(order, nfa, sizeof *order, cmp_fa);
	if (print_header(&b, plan, interventions) != 0)
		goto out;
	for (i = 0; i < nfa; i++) {
		const json_t *fa = json_array_get(focus_areas, order[i].idx);

		if (write_line(f, &b.line) != 0 ||
		    strbuf_printf(&b.line, "%" JSON_INTEGER_FORMAT ". ", order[i].ordinal) != 0 ||
		    text_append_clean(&b.line, str(fa, "title")) != 0 ||
		    write_line(f, &b.line) != 0 ||
		    print_group(&b, interventions, str(fa, "id") ? str(fa, "id") : "") != 0)
			goto out;
	}
	/* Interventions of an area the list did not name come last. */
	for (i = 0; i < niv && b.placed[i]; i++)
		;
	if (i < niv &&
	    (write_line(f, &b.line) != 0 || strbuf_puts(&b.line, "Other focus areas") != 0 ||
	     write_line(f, &b.line) != 0 || print_group(&b, interventions, NULL) != 0))
		goto out;
	if (niv > 0 && (write_line(f, &b.line) != 0 || print_legend(&b) != 0))
		goto out;
	rc = 0;
out:
	strbuf_cleanup(&b.line);
	free(b.refs);
	free(b.placed);
	free(order);
	return rc;
}
