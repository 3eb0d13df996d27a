/*
 * Förslag: the proposals as GET /v1/proposals lists them, through the same
 * statement and right (ACT_READ_SHARED): filtered by status with a GET
 * form, a page at a time with the API's cursor (?status=&cursor=&limit=),
 * each linking to its page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "sql_names.h"
#include "validate.h"
#include "vocab.h"
#include "web_internal.h"

#define PAGE_SIZE 20
#define PAGE_SIZE_MAX 100

static const char *const statuses[] = { "draft", "submitted", "approved", "rejected", "withdrawn" };

/* The page's address with these values ("" or NULL: left out). */
static void list_href(struct html *h, const char *status, const char *cursor, const char *limit)
{
	char sep = '?';

	html_raw(h, "/forslag");
	if (status && status[0]) {
		html_raw(h, "?status=");
		html_attr(h, status);
		sep = '&';
	}
	if (cursor && cursor[0]) {
		html_raw(h, sep == '?' ? "?cursor=" : "&amp;cursor=");
		html_attr(h, cursor);
		sep = '&';
	}
	if (limit && limit[0]) {
		html_raw(h, sep == '?' ? "?limit=" : "&amp;limit=");
		html_attr(h, limit);
	}
}

static void filter_form(struct html *h, const char *status, const char *limit)
{
	html_raw(h, "<form class=\"filter\" method=\"get\" action=\"/forslag\">"
		    "<label for=\"status\">Visa förslag med status</label><select id=\"status\" "
		    "name=\"status\"><option value=\"\">Alla</option>");
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		html_raw(h, "<option value=\"");
		html_attr(h, statuses[i]);
		html_raw(h, status && strcmp(status, statuses[i]) == 0 ? "\" selected>" : "\">");
		html_txt(h, sv_proposal_status(statuses[i]));
		html_raw(h, "</option>");
	}
	html_raw(h, "</select>");
	if (limit) {
		html_raw(h, "<input type=\"hidden\" name=\"limit\" value=\"");
		html_attr(h, limit);
		html_raw(h, "\">");
	}
	html_raw(h, "<button type=\"submit\">Visa</button></form>");
}

static void page_proposals(struct req *r, json_t *items, const char *next)
{
	struct html h = { 0 };
	const char *status = req_query(r, "status"), *cursor = req_query(r, "cursor");
	const char *limit = req_query(r, "limit");
	json_t *p;
	size_t i;

	page_begin(&h, r, "Förslag", "/forslag");
	if (policy_check(&r->auth.actor.p, ACT_EDIT_PROPOSALS, NULL, NULL))
		html_raw(&h, "<ul class=\"actions\"><li><a class=\"button\" href=\"/forslag/nytt\">"
			     "Nytt förslag</a></li></ul>");
	filter_form(&h, status, limit);
	if (json_array_size(items) == 0) {
		html_raw(&h, cursor ? "<p>Inga fler förslag.</p>" : "<p>Inga förslag.</p>");
	} else {
		html_raw(&h, "<table class=\"stack list\"><caption>Förslag");
		if (status && status[0]) {
			html_raw(&h, " med status ");
			html_txt(&h, sv_proposal_status(status));
		}
		html_raw(&h, "</caption><thead><tr><th scope=\"col\">Titel</th><th scope=\"col\">"
			     "Typ</th><th scope=\"col\">Status</th><th scope=\"col\">Omgång</th>"
			     "<th scope=\"col\">Senast ändrat</th></tr></thead><tbody>");
	}
	json_array_foreach (items, i, p) {
		html_raw(&h, "<tr><td data-label=\"Titel\"><a href=\"/forslag/");
		html_attr(&h, web_str(p, "id"));
		html_raw(&h, "\">");
		html_txt(&h, web_str(p, "title"));
		html_raw(&h, "</a></td><td data-label=\"Typ\">");
		html_txt(&h, sv_kind(web_str(p, "kind")));
		html_raw(&h, "</td><td data-label=\"Status\"><span class=\"status s-");
		html_attr(&h, web_str(p, "status"));
		html_raw(&h, "\">");
		html_txt(&h, sv_proposal_status(web_str(p, "status")));
		html_raw(&h, "</span></td><td data-label=\"Omgång\">");
		html_long(&h, (long)json_integer_value(json_object_get(p, "round")));
		html_raw(&h, "</td><td data-label=\"Senast ändrat\">");
		html_date(&h, web_str(p, "updated_at"));
		html_raw(&h, "</td></tr>");
	}
	if (json_array_size(items))
		html_raw(&h, "</tbody></table>");
	if (cursor || next) {
		html_raw(&h, "<nav class=\"pages\" aria-label=\"Bläddra bland förslagen\">");
		if (cursor) {
			html_raw(&h, "<a href=\"");
			list_href(&h, status, NULL, limit);
			html_raw(&h, "\">Första sidan</a>");
		}
		if (next) {
			html_raw(&h, "<a rel=\"next\" href=\"");
			list_href(&h, status, next, limit);
			html_raw(&h, "\">Nästa sida</a>");
		}
		html_raw(&h, "</nav>");
	}
	page_end(&h);
	web_send(r, 200, &h);
}

static void proposals_loaded(struct req *r, const struct db_result *res)
{
	const char *text;
	json_t *doc;
	int col;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	text = req_result_text(res, 0);
	doc = text ? json_loads(text, 0, NULL) : NULL;
	col = PQfnumber(res->res[0], "next_cursor");
	page_proposals(r, json_object_get(doc, "items"),
		       col >= 0 && PQntuples(res->res[0]) > 0 ? db_get(res->res[0], 0, col) : NULL);
	json_decref(doc);
}

static void bad_address(struct req *r)
{
	web_message(r, 400, "Felaktig adress",
		    "Adressens status eller sidmarkering känns inte igen. Välj Förslag i menyn "
		    "för att börja om.");
}

void web_proposals(struct req *r)
{
	const char *status = req_query(r, "status"), *cursor = NULL, *limit = req_query(r, "limit");
	long n = PAGE_SIZE;
	char *end;

	if (!req_allow(r, ACT_READ_SHARED, NULL))
		return;
	if (status && !status[0])
		status = NULL;
	if ((status && !jf_in_choices(VOCAB_PROPOSAL_STATUSES, status)) ||
	    req_cursor_seq(r, &cursor) != 0) {
		bad_address(r);
		return;
	}
	if (limit) {
		n = strtol(limit, &end, 10);
		if (!validate_digits(limit) || *end || n < 1 || n > PAGE_SIZE_MAX) {
			bad_address(r);
			return;
		}
	}
	snprintf(r->q.num[0], sizeof r->q.num[0], "%ld", n);
	struct db_call call = { .stmt = SQL_PROPOSAL_LIST,
				.nparams = 5,
				.params = { r->q.num[0], cursor, status, NULL, NULL } };
	req_db(r, &call, 1, proposals_loaded);
}
