/*
 * The follow-up report (GET …/follow-ups/{year}/report): the follow-up's
 * three texts under the agreement's three questions and its statistics as
 * tables, as Markdown, as one self-contained printable HTML page, or the
 * statistics alone as CSV. Pure: JSON in, text out, no I/O.
 */
#ifndef SVK_REPORT_H
#define SVK_REPORT_H

#include <jansson.h>
#include <libpq-fe.h>

#include "strbuf.h"

enum report_format {
	REPORT_MARKDOWN,
	REPORT_HTML,
	REPORT_CSV,
	/* The HTML page's content alone, for a page of the web interface that
	 * has its own head, stylesheet, title and the agreement's facts: the
	 * oral line, the three sections and their tables, each wide table in
	 * a region that scrolls on a narrow screen. */
	REPORT_HTML_BODY,
};

struct report_meta {
	const char *title;      /* the agreement's */
	const char *parties;    /* "Polismyndigheten, …" */
	const char *valid_from; /* YYYY-MM-DD */
	const char *valid_to;
	/* {slug: name} of the organisations and of the incident categories,
	 * for the tables; NULL (or a slug not in it) prints the slug */
	const json_t *org_names;
	const json_t *category_names;
};

/* The format an Accept header asks for (markdown when it names neither
 * HTML nor CSV); ?format=md|html|csv beats it. -1 for an unknown format. */
int report_format_choose(const char *accept, const char *format);
const char *report_content_type(enum report_format f);

/* Renders follow_up (the JSON of GET …/follow-ups/{year}) into out.
 * 0, or -1 when out of memory. */
int report_render(const json_t *follow_up, const struct report_meta *meta, enum report_format f,
		  struct strbuf *out);

/* report_row_render's answers. */
enum { REPORT_ROW_OK, REPORT_ROW_NONE, REPORT_ROW_UNREADABLE, REPORT_ROW_NOMEM };

/* Renders the report of pr, the answer of statement follow_up_report
 * (follow-up, title, parties, valid_from, valid_to, organisation names,
 * category names), in format f into out (report_row.c). On REPORT_ROW_OK
 * *follow_up is the follow-up's JSON, for the caller to release, and out
 * holds the text; otherwise both are empty: REPORT_ROW_NONE for no such
 * follow-up, REPORT_ROW_UNREADABLE for JSON that does not parse,
 * REPORT_ROW_NOMEM when out of memory. */
int report_row_render(const PGresult *pr, enum report_format f, struct strbuf *out,
		      json_t **follow_up);

#endif
