/*
 * Åtgärdsplaner: the action plans as GET /v1/action-plans lists them and a
 * plan's board, through the API's statements (plan_list, plan_get,
 * intervention_list) and its right (ACT_READ_SHARED), with the names and
 * focus areas of web.sql's web_plans and web_plan beside them.
 *
 * The board groups the plan's interventions by focus area in the
 * agreement's order, each area's earliest due first (as the CLI's board);
 * an intervention's RAG is a coloured dot and its word, and an overdue one
 * (the API's "overdue": due before today and neither done nor cancelled)
 * says Försenad in words. The stylesheet's @media print prints the board
 * black on white without the navigation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "plan_board.h"
#include "request.h"
#include "sql_names.h"
#include "validate.h"
#include "web_internal.h"

#define LIST_SIZE "100"
#define BOARD_SIZE 1000 /* interventions on one board; more are named, not shown */

const char *web_org_name(json_t *names, const char *slug)
{
	const char *n = web_str(names, slug ? slug : "");

	return n ? n : slug;
}

void html_rag(struct html *h, const char *rag)
{
	html_raw(h, "<span class=\"rag rag-");
	html_attr(h, rag ? rag : "none");
	html_raw(h, "\"><span class=\"dot\" aria-hidden=\"true\"></span>");
	html_txt(h, rag ? sv_rag(rag) : "Ingen bedömning");
	html_raw(h, "</span>");
}

static void refusal_audited(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK)
		log_warn(&r->w->app->log, "msg=\"cannot audit refusal\" id=%s", r->id);
	req_problem(r, SVK_ERR_FORBIDDEN, r->refusal);
}

bool web_read_allowed(struct req *r, const char *pattern)
{
	const char *why = NULL, *params[3];

	if (policy_check(&r->auth.actor.p, ACT_READ_SHARED, NULL, &why))
		return true;
	snprintf(r->refusal, sizeof r->refusal, "%s", why ? why : "forbidden");
	params[0] = r->auth.actor.user_id;
	params[1] = pattern;
	params[2] = r->refusal;
	req_db1(r, SQL_AUDIT_REFUSAL, 3, params, refusal_audited);
	return false;
}

static json_t *result_json(const struct db_result *res, int i)
{
	const char *text = req_result_text(res, i);

	return text ? json_loads(text, 0, NULL) : NULL;
}

static void not_found(struct req *r)
{
	web_message(r, 404, "Åtgärdsplanen finns inte",
		    "Det finns ingen åtgärdsplan med den adressen. Välj Åtgärdsplaner i menyn "
		    "för att se planerna.");
}

/* ---- the list ------------------------------------------------------------------ */

static void plans_page(struct req *r, json_t *items, json_t *more, const char *next)
{
	struct html h = { 0 };
	json_t *p, *names = json_object_get(more, "organisations");
	json_t *counts = json_object_get(more, "counts");
	const char *cursor = req_query(r, "cursor");
	size_t i;

	page_begin(&h, r, "Åtgärdsplaner", "/atgardsplaner");
	html_raw(&h, "<p class=\"hint\">En åtgärdsplan per kommun. Välj en plan för att se dess "
		     "insatser per fokusområde.</p>");
	if (json_array_size(items) == 0)
		html_raw(&h, cursor ? "<p>Inga fler åtgärdsplaner.</p>"
				    : "<p>Det finns inga åtgärdsplaner ännu.</p>");
	else
		html_raw(&h, "<table class=\"stack list\"><caption>Åtgärdsplaner</caption><thead>"
			     "<tr><th scope=\"col\">Kommun</th><th scope=\"col\">Plan</th>"
			     "<th scope=\"col\">Status</th><th scope=\"col\">Version</th>"
			     "<th scope=\"col\">Insatser</th><th scope=\"col\">Försenade</th>"
			     "<th scope=\"col\">Senast ändrad</th></tr></thead><tbody>");
	json_array_foreach (items, i, p) {
		json_t *c = json_object_get(counts, web_str(p, "id") ? web_str(p, "id") : "");

		html_raw(&h, "<tr><td data-label=\"Kommun\">");
		html_txt(&h, web_org_name(names, web_str(p, "municipality")));
		html_raw(&h, "</td><td data-label=\"Plan\"><a href=\"/atgardsplaner/");
		html_attr(&h, web_str(p, "id"));
		html_raw(&h, "\">");
		html_txt(&h, web_str(p, "title"));
		html_raw(&h, "</a></td><td data-label=\"Status\"><span class=\"status p-");
		html_attr(&h, web_str(p, "status"));
		html_raw(&h, "\">");
		html_txt(&h, sv_plan_status(web_str(p, "status")));
		html_raw(&h, "</span></td><td data-label=\"Version\">");
		html_long(&h, (long)json_integer_value(json_object_get(p, "version")));
		html_raw(&h, "</td><td data-label=\"Insatser\">");
		html_long(&h, (long)json_integer_value(json_object_get(c, "total")));
		html_raw(&h, "</td><td data-label=\"Försenade\">");
		html_long(&h, (long)json_integer_value(json_object_get(c, "overdue")));
		html_raw(&h, "</td><td data-label=\"Senast ändrad\">");
		html_date(&h, web_str(p, "updated_at"));
		html_raw(&h, "</td></tr>");
	}
	if (json_array_size(items))
		html_raw(&h, "</tbody></table>");
	if (cursor || next) {
		html_raw(&h, "<nav class=\"pages\" aria-label=\"Bläddra bland åtgärdsplanerna\">");
		if (cursor)
			html_raw(&h, "<a href=\"/atgardsplaner\">Första sidan</a>");
		if (next) {
			html_raw(&h, "<a rel=\"next\" href=\"/atgardsplaner?cursor=");
			html_attr(&h, next);
			html_raw(&h, "\">Nästa sida</a>");
		}
		html_raw(&h, "</nav>");
	}
	page_end(&h);
	web_send(r, 200, &h);
}

static const char *next_cursor(const struct db_result *res, int i)
{
	int col = PQfnumber(res->res[i], "next_cursor");

	return col >= 0 && PQntuples(res->res[i]) > 0 ? db_get(res->res[i], 0, col) : NULL;
}

static void plans_loaded(struct req *r, const struct db_result *res)
{
	json_t *doc, *more;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	doc = result_json(res, 0);
	more = result_json(res, 1);
	if (!doc || !more) {
		json_decref(doc);
		json_decref(more);
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
		return;
	}
	plans_page(r, json_object_get(doc, "items"), more, next_cursor(res, 0));
	json_decref(doc);
	json_decref(more);
}

void web_plans(struct req *r)
{
	const char *cursor = NULL;

	if (!req_allow(r, ACT_READ_SHARED, NULL))
		return;
	if (req_cursor_seq(r, &cursor) != 0) {
		web_message(r, 400, "Felaktig adress",
			    "Adressens sidmarkering känns inte igen. Välj Åtgärdsplaner i menyn "
			    "för att börja om.");
		return;
	}
	struct db_call calls[2] = {
		{ .stmt = SQL_PLAN_LIST,
		  .nparams = 4,
		  .params = { LIST_SIZE, cursor, NULL, NULL } },
		{ .stmt = SQL_WEB_PLANS, .nparams = 0 },
	};
	req_db(r, calls, 2, plans_loaded);
}

/* ---- the board ----------------------------------------------------------------- */

static void plan_facts(struct html *h, json_t *plan, json_t *names)
{
	json_t *in_force = json_object_get(plan, "version_in_force");

	html_raw(h, "<dl class=\"facts\"><div><dt>Kommun</dt><dd>");
	html_txt(h, web_org_name(names, web_str(plan, "municipality")));
	html_raw(h, "</dd></div><div><dt>Status</dt><dd>");
	html_txt(h, sv_plan_status(web_str(plan, "status")));
	html_raw(h, "</dd></div><div><dt>Version</dt><dd>");
	html_long(h, (long)json_integer_value(json_object_get(plan, "version")));
	if (json_is_integer(in_force) &&
	    json_integer_value(in_force) != json_integer_value(json_object_get(plan, "version"))) {
		html_raw(h, " (gällande: ");
		html_long(h, (long)json_integer_value(in_force));
		html_raw(h, ")");
	}
	html_raw(h, "</dd></div>");
	if (web_str(plan, "adopted_at")) {
		html_raw(h, "<div><dt>Antagen</dt><dd>");
		html_date(h, web_str(plan, "adopted_at"));
		html_raw(h, "</dd></div>");
	}
	html_raw(h, "<div><dt>Senast ändrad</dt><dd>");
	html_date(h, web_str(plan, "updated_at"));
	html_raw(h, "</dd></div></dl>");
}

static void board_row(struct html *h, json_t *plan, json_t *iv, json_t *more)
{
	json_t *names = json_object_get(more, "organisations");
	const char *id = web_str(iv, "id") ? web_str(iv, "id") : "";
	const char *last = web_str(json_object_get(more, "last_update"), id);
	bool late = json_is_true(json_object_get(iv, "overdue"));

	html_raw(h, late ? "<tr class=\"late\">" : "<tr>");
	html_raw(h, "<th scope=\"row\" data-label=\"Insats\"><a href=\"/atgardsplaner/");
	html_attr(h, web_str(plan, "id"));
	html_raw(h, "/insatser/");
	html_attr(h, id);
	html_raw(h, "\">");
	html_txt(h, web_str(iv, "title"));
	html_raw(h, "</a></th><td data-label=\"Ansvarig\">");
	html_txt(h, web_org_name(names, web_str(iv, "responsible_organisation")));
	if (web_str(iv, "responsible_role") && web_str(iv, "responsible_role")[0]) {
		html_raw(h, "<br><span class=\"tag\">");
		html_txt(h, web_str(iv, "responsible_role"));
		html_raw(h, "</span>");
	}
	html_raw(h, "</td><td data-label=\"Status\">");
	html_txt(h, sv_intervention_status(web_str(iv, "status")));
	html_raw(h, "</td><td data-label=\"Läge\">");
	html_rag(h, web_str(iv, "rag"));
	html_raw(h, "</td><td data-label=\"Framsteg\">");
	html_long(h, (long)json_integer_value(json_object_get(iv, "progress_percent")));
	html_raw(h, " %</td><td data-label=\"Slutdatum\">");
	if (json_is_true(json_object_get(iv, "recurring")))
		html_raw(h, "Löpande");
	if (web_str(iv, "due_on")) {
		html_raw(h, json_is_true(json_object_get(iv, "recurring")) ? ", t.o.m. " : "");
		html_date(h, web_str(iv, "due_on"));
	} else if (!json_is_true(json_object_get(iv, "recurring"))) {
		html_raw(h, "<span class=\"none\">Inget</span>");
	}
	if (late)
		html_raw(h, " <strong class=\"overdue\">Försenad</strong>");
	html_raw(h, "</td><td data-label=\"Senaste uppdatering\">");
	if (last)
		html_date(h, last);
	else
		html_raw(h, "<span class=\"none\">Ingen ännu</span>");
	html_raw(h, "</td></tr>");
}

/* One focus area's section (fa NULL: the interventions of no known area). */
static void board_group(struct html *h, json_t *plan, json_t *fa, json_t *items, json_t *more,
			json_t **refs, char *placed)
{
	const char *fid = web_str(fa, "id");
	size_t i, n = fa && !fid ? 0 : board_pick(items, fa ? fid : NULL, placed, refs);

	if (!fa && n == 0)
		return;
	html_raw(h, "<section class=\"area\" aria-labelledby=\"fa-");
	html_long(h, fa ? (long)json_integer_value(json_object_get(fa, "ordinal")) : 0);
	html_raw(h, "\"><h2 id=\"fa-");
	html_long(h, fa ? (long)json_integer_value(json_object_get(fa, "ordinal")) : 0);
	html_raw(h, "\">");
	if (fa) {
		html_long(h, (long)json_integer_value(json_object_get(fa, "ordinal")));
		html_raw(h, ". ");
		html_txt(h, web_str(fa, "title"));
	} else {
		html_raw(h, "Utan fokusområde");
	}
	html_raw(h, "</h2>");
	if (n == 0) {
		html_raw(h, "<p class=\"none\">Inga insatser under fokusområdet.</p></section>");
		return;
	}
	html_raw(h, "<table class=\"stack board\"><caption class=\"sr\">Insatser under ");
	if (fa)
		html_txt(h, web_str(fa, "title"));
	else
		html_raw(h, "inget fokusområde");
	html_raw(h, "</caption><thead><tr><th scope=\"col\">Insats</th><th scope=\"col\">"
		    "Ansvarig</th><th scope=\"col\">Status</th><th scope=\"col\">Läge</th>"
		    "<th scope=\"col\">Framsteg</th><th scope=\"col\">Slutdatum</th>"
		    "<th scope=\"col\">Senaste uppdatering</th></tr></thead><tbody>");
	for (i = 0; i < n; i++)
		board_row(h, plan, refs[i], more);
	html_raw(h, "</tbody></table></section>");
}

static void board_summary(struct html *h, json_t *items)
{
	size_t i, total = json_array_size(items), late = 0, rag[3] = { 0 };
	static const char *const rags[] = { "green", "yellow", "red" };
	json_t *iv;

	json_array_foreach (items, i, iv) {
		late += json_is_true(json_object_get(iv, "overdue"));
		for (size_t k = 0; k < 3; k++)
			rag[k] += web_str(iv, "rag") && strcmp(web_str(iv, "rag"), rags[k]) == 0;
	}
	html_raw(h, "<p class=\"summary\">");
	html_long(h, (long)total);
	html_raw(h, total == 1 ? " insats" : " insatser");
	for (size_t k = 0; k < 3; k++) {
		html_raw(h, ", ");
		html_long(h, (long)rag[k]);
		html_raw(h, " ");
		html_rag(h, rags[k]);
	}
	html_raw(h, ", ");
	html_long(h, (long)late);
	html_raw(h, late == 1 ? " försenad.</p>" : " försenade.</p>");
}

static void board_page(struct req *r, json_t *plan, json_t *items, json_t *more, bool cut)
{
	struct html h = { 0 };
	size_t n = json_array_size(items), i;
	json_t **refs = calloc(n ? n : 1, sizeof *refs);
	char *placed = calloc(n ? n : 1, 1);
	json_t *fa, *areas = json_object_get(more, "focus_areas");

	if (!refs || !placed) {
		free(refs);
		free(placed);
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	page_begin(&h, r, web_str(plan, "title") ? web_str(plan, "title") : "Åtgärdsplan",
		   "/atgardsplaner");
	html_raw(&h, "<p class=\"crumbs noprint\"><a href=\"/atgardsplaner\">Alla åtgärdsplaner"
		     "</a></p>");
	plan_facts(&h, plan, json_object_get(more, "organisations"));
	/* Only for those who may add, and only while the plan may change. */
	if (policy_check(&r->auth.actor.p, ACT_EDIT_PLANS, NULL, NULL) &&
	    strcmp(web_str(plan, "status") ? web_str(plan, "status") : "", "adopted") != 0) {
		html_raw(&h,
			 "<p class=\"actions noprint\"><a class=\"button\" href=\"/atgardsplaner/");
		html_attr(&h, web_str(plan, "id"));
		html_raw(&h, "/insatser/ny\">Lägg till insats</a></p>");
	}
	board_summary(&h, items);
	if (cut)
		html_raw(&h, "<p class=\"notice\">Planen har fler insatser än tavlan visar.</p>");
	json_array_foreach (areas, i, fa)
		board_group(&h, plan, fa, items, more, refs, placed);
	board_group(&h, plan, NULL, items, more, refs, placed);
	page_end(&h);
	free(refs);
	free(placed);
	web_send(r, 200, &h);
}

static void board_loaded(struct req *r, const struct db_result *res)
{
	json_t *plan, *list, *more;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	if (!req_result_text(res, 0)) {
		not_found(r);
		return;
	}
	plan = result_json(res, 0);
	list = result_json(res, 1);
	more = result_json(res, 2);
	if (plan && list && more)
		board_page(r, plan, json_object_get(list, "items"), more,
			   next_cursor(res, 1) != NULL);
	else
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
	json_decref(plan);
	json_decref(list);
	json_decref(more);
}

void web_plan_get(struct req *r)
{
	if (!web_read_allowed(r, "GET /atgardsplaner/{}"))
		return;
	if (!validate_uuid(r->web.id)) {
		not_found(r);
		return;
	}
	snprintf(r->q.num[0], sizeof r->q.num[0], "%d", BOARD_SIZE);
	struct db_call calls[3] = {
		{ .stmt = SQL_PLAN_GET, .nparams = 1, .params = { r->web.id } },
		{ .stmt = SQL_INTERVENTION_LIST,
		  .nparams = 8,
		  .params = { r->web.id, r->q.num[0], NULL, NULL, NULL, NULL, NULL, NULL } },
		{ .stmt = SQL_WEB_PLAN, .nparams = 1, .params = { r->web.id } },
	};
	req_db(r, calls, 3, board_loaded);
}
