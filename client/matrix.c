/*
 * The printed form of one proposal (see matrix.h): a header of fields, the
 * resource lines and the decision matrix as plain aligned text (widths
 * counted in columns, so "tjänst" lines up), then the comments.
 */
#include "matrix.h"

#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "strbuf.h"
#include "swetime.h"
#include "text.h"

/* A small table of owned, cleaned cells. */
struct grid {
	size_t rows, cols;
	char **cell; /* rows * cols; NULL prints as "" */
};

static int grid_init(struct grid *g, size_t rows, size_t cols)
{
	g->rows = rows;
	g->cols = cols;
	g->cell = rows && cols ? calloc(rows * cols, sizeof *g->cell) : NULL;
	return rows && cols && !g->cell ? -1 : 0;
}

static void grid_free(struct grid *g)
{
	for (size_t i = 0; g->cell && i < g->rows * g->cols; i++)
		free(g->cell[i]);
	free(g->cell);
	g->cell = NULL;
}

static int grid_set(struct grid *g, size_t r, size_t c, const char *s)
{
	char *copy = strdup(s ? s : "");

	if (!copy)
		return -1;
	text_clean(copy, strlen(copy));
	free(g->cell[r * g->cols + c]);
	g->cell[r * g->cols + c] = copy;
	return 0;
}

/* The text of a JSON value as a table cell. */
static int grid_set_json(struct grid *g, size_t r, size_t c, const json_t *v)
{
	struct strbuf sb;
	int rc;

	strbuf_init(&sb, 4096);
	rc = output_cell(&sb, v, OUT_TABLE);
	if (rc == 0)
		rc = grid_set(g, r, c, sb.data ? sb.data : "");
	strbuf_cleanup(&sb);
	return rc;
}

/* Columns as wide as their widest cell and two spaces apart. */
static int grid_print(FILE *f, const struct grid *g, const char *indent)
{
	size_t *w = calloc(g->cols ? g->cols : 1, sizeof *w);
	struct strbuf line;
	int rc = -1;

	strbuf_init(&line, 0);
	if (!w)
		goto out;
	for (size_t r = 0; r < g->rows; r++)
		for (size_t c = 0; c < g->cols; c++) {
			size_t n = text_width(g->cell[r * g->cols + c]);

			if (n > w[c])
				w[c] = n;
		}
	for (size_t r = 0; r < g->rows; r++) {
		const char *s;

		line.len = 0;
		if (strbuf_puts(&line, indent) != 0)
			goto out;
		for (size_t c = 0; c + 1 < g->cols; c++) {
			s = g->cell[r * g->cols + c];
			if (text_append_padded(&line, s ? s : "", w[c] + 2, TEXT_LEFT) != 0)
				goto out;
		}
		s = g->cols ? g->cell[r * g->cols + g->cols - 1] : NULL;
		if (strbuf_puts(&line, s ? s : "") != 0 || strbuf_puts(&line, "\n") != 0 ||
		    fwrite(line.data, 1, line.len, f) != line.len)
			goto out;
	}
	rc = 0;
out:
	strbuf_cleanup(&line);
	free(w);
	return rc;
}

/* "label  value" lines of the header; fields missing, null or "" left out */
static int print_header(FILE *f, const json_t *p)
{
	static const struct {
		const char *label, *key;
	} rows[] = {
		{ "Proposal", "id" },
		{ "Title", "title" },
		{ "Kind", "kind" },
		{ "Status", "status" },
		{ "Round", "round" },
		{ "Affected", "affected" },
		{ "Agreement", "agreement" },
		{ "Extension years", "extension_years" },
		{ "Follow-up year", "follow_up_year" },
		{ "Focus area", "focus_area" },
		{ "Action plan", "action_plan" },
		{ "Author", "author" },
		{ "Submitted at", "submitted_at" },
		{ "Decided at", "decided_at" },
		{ "Background", "background" },
		{ "Proposal text", "proposal_text" },
	};
	size_t n = sizeof rows / sizeof rows[0], used = 0;
	struct grid g;
	int rc = 0;

	if (grid_init(&g, n, 2) != 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const json_t *v = json_object_get(p, rows[i].key);

		if (!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)))
			continue;
		rc = grid_set(&g, used, 0, rows[i].label);
		if (rc == 0)
			rc = grid_set_json(&g, used, 1, v);
		used++;
	}
	g.rows = used;
	if (rc == 0)
		rc = grid_print(f, &g, "");
	g.rows = n;
	grid_free(&g);
	return rc;
}

static int print_resources(FILE *f, const json_t *lines)
{
	static const char *const keys[] = { "organisation", "amount", "unit", "description" };
	static const char *const heads[] = { "ORGANISATION", "AMOUNT", "UNIT", "DESCRIPTION" };
	const json_t *line;
	struct grid g;
	size_t i;
	int rc = 0;

	if (json_array_size(lines) == 0)
		return 0;
	if (grid_init(&g, json_array_size(lines) + 1, 4) != 0)
		return -1;
	for (size_t c = 0; c < 4 && rc == 0; c++)
		rc = grid_set(&g, 0, c, heads[c]);
	json_array_foreach (lines, i, line)
		for (size_t c = 0; c < 4 && rc == 0; c++)
			rc = grid_set_json(&g, i + 1, c, json_object_get(line, keys[c]));
	if (rc == 0) {
		fputs("\nResources:\n", f);
		rc = grid_print(f, &g, "  ");
	}
	grid_free(&g);
	return rc;
}

/* Adds s to the array of organisation names unless it is there. */
static int add_org(json_t *orgs, const char *s)
{
	const json_t *o;
	size_t i;

	if (!s)
		return 0;
	json_array_foreach (orgs, i, o)
		if (strcmp(json_string_value(o), s) == 0)
			return 0;
	return json_array_append_new(orgs, json_string(s));
}

/* The decision of org in round, or NULL. */
static const json_t *decision_of(const json_t *decisions, const char *org, json_int_t round)
{
	const json_t *d;
	size_t i;

	json_array_foreach (decisions, i, d) {
		const char *o = json_string_value(json_object_get(d, "organisation"));

		if (o && strcmp(o, org) == 0 &&
		    json_integer_value(json_object_get(d, "round")) == round)
			return d;
	}
	return NULL;
}

/* "approve by polisen-chef at 2025-05-02" */
static int cell_text(struct strbuf *sb, const json_t *d)
{
	const char *verdict = json_string_value(json_object_get(d, "verdict"));
	const char *by = json_string_value(json_object_get(d, "decided_by"));
	char local[SWETIME_LEN];
	const char *at = swetime_text(json_string_value(json_object_get(d, "decided_at")), local,
				      sizeof local);

	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
	if (strbuf_puts(sb, verdict ? verdict : "?") != 0)
		return -1;
	if (by && strbuf_printf(sb, " by %s", by) != 0)
		return -1;
	if (at && strbuf_printf(sb, " at %.10s", at) != 0)
		return -1;
	return 0;
}

static int print_matrix(FILE *f, const json_t *p)
{
	const json_t *decisions = json_object_get(p, "decisions");
	const json_t *v, *d;
	json_int_t rounds = json_integer_value(json_object_get(p, "round"));
	json_t *orgs = json_array();
	struct strbuf sb;
	struct grid g = { 0, 0, NULL };
	size_t i;
	int rc = orgs ? 0 : -1;

	strbuf_init(&sb, 4096);
	json_array_foreach (json_object_get(p, "affected"), i, v)
		if (rc == 0)
			rc = add_org(orgs, json_string_value(v));
	json_array_foreach (decisions, i, d) {
		json_int_t r = json_integer_value(json_object_get(d, "round"));

		if (r > rounds)
			rounds = r;
		if (rc == 0)
			rc = add_org(orgs, json_string_value(json_object_get(d, "organisation")));
	}
	if (rounds < 1)
		rounds = 1;
	if (rounds > 1000)
		rounds = 1000; /* a hostile server's round */
	if (rc == 0)
		rc = grid_init(&g, json_array_size(orgs) + 1, (size_t)rounds + 1);
	if (rc == 0)
		rc = grid_set(&g, 0, 0, "ORGANISATION");
	for (json_int_t r = 1; rc == 0 && r <= rounds; r++) {
		sb.len = 0;
		rc = strbuf_printf(&sb, "ROUND %lld", (long long)r);
		if (rc == 0)
			rc = grid_set(&g, 0, (size_t)r, sb.data);
	}
	json_array_foreach (orgs, i, v) {
		const char *org = json_string_value(v);

		if (rc == 0)
			rc = grid_set(&g, i + 1, 0, org);
		for (json_int_t r = 1; rc == 0 && r <= rounds; r++) {
			d = decision_of(decisions, org, r);
			rc = d ? cell_text(&sb, d) : 0;
			if (rc == 0)
				rc = grid_set(&g, i + 1, (size_t)r, d ? sb.data : "-");
		}
	}
	if (rc == 0 && json_array_size(orgs) > 0) {
		fputs("\nDecisions:\n", f);
		rc = grid_print(f, &g, "  ");
	}
	grid_free(&g);
	json_decref(orgs);
	strbuf_cleanup(&sb);
	return rc;
}

static int print_comments(FILE *f, const json_t *decisions)
{
	const json_t *d;
	struct strbuf sb;
	size_t i;
	int any = 0, rc = 0;

	strbuf_init(&sb, 16384);
	json_array_foreach (decisions, i, d) {
		const char *c = json_string_value(json_object_get(d, "comment"));
		const char *o = json_string_value(json_object_get(d, "organisation"));
		const char *by = json_string_value(json_object_get(d, "decided_by"));
		const char *verdict = json_string_value(json_object_get(d, "verdict"));

		if (!c || !c[0])
			continue;
		sb.len = 0;
		if (strbuf_printf(&sb, "round %lld, %s (%s, %s): %s",
				  (long long)json_integer_value(json_object_get(d, "round")),
				  o ? o : "?", by ? by : "?", verdict ? verdict : "?", c) != 0) {
			rc = -1;
			break;
		}
		text_clean(sb.data, sb.len);
		if (!any++)
			fputs("\nComments:\n", f);
		fprintf(f, "  %s\n", sb.data);
	}
	strbuf_cleanup(&sb);
	return rc;
}

int matrix_print(FILE *f, const json_t *proposal)
{
	if (print_header(f, proposal) != 0 ||
	    print_resources(f, json_object_get(proposal, "resources")) != 0 ||
	    print_matrix(f, proposal) != 0 ||
	    print_comments(f, json_object_get(proposal, "decisions")) != 0)
		return -1;
	return ferror(f) ? -1 : 0;
}
