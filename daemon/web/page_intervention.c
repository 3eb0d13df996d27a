/*
 * An intervention's page (GET /atgardsplaner/{plan}/insatser/{id}): its
 * fields in Brå's template's terms and its progress log, newest first,
 * from the API's statements (intervention_get, update_list, plan_get)
 * under its right (ACT_READ_SHARED). An intervention of another plan than
 * the path's is not found. Those who may see "Redigera insatsen" and the
 * form "Logga en uppdatering" (intervention_form.c, intervention_log.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "request.h"
#include "sql_names.h"
#include "validate.h"
#include "web_internal.h"

#define LOG_SIZE "1000" /* updates shown; more are named, not shown */

static void not_found(struct req *r)
{
	web_message(r, 404, "Insatsen finns inte",
		    "Det finns ingen insats med den adressen. Välj Åtgärdsplaner i menyn för att "
		    "se planerna och deras insatser.");
}

static json_t *result_json(const struct db_result *res, int i)
{
	const char *text = req_result_text(res, i);

	return text ? json_loads(text, 0, NULL) : NULL;
}

static void fact_text(struct html *h, const char *term, const char *value)
{
	html_raw(h, "<div><dt>");
	html_txt(h, term);
	html_raw(h, "</dt><dd>");
	if (value && value[0])
		html_txt(h, value);
	else
		html_raw(h, "<span class=\"none\">Ej angivet</span>");
	html_raw(h, "</dd></div>");
}

static void fact_date(struct html *h, const char *term, const char *iso)
{
	html_raw(h, "<div><dt>");
	html_txt(h, term);
	html_raw(h, "</dt><dd>");
	if (iso)
		html_date(h, iso);
	else
		html_raw(h, "<span class=\"none\">Ej angivet</span>");
	html_raw(h, "</dd></div>");
}

static json_t *focus_area_of(json_t *more, const char *id)
{
	json_t *fa;
	size_t i;

	json_array_foreach (json_object_get(more, "focus_areas"), i, fa)
		if (id && web_str(fa, "id") && strcmp(id, web_str(fa, "id")) == 0)
			return fa;
	return NULL;
}

static void facts(struct html *h, json_t *iv, json_t *more)
{
	json_t *fa = focus_area_of(more, web_str(iv, "focus_area"));
	bool late = json_is_true(json_object_get(iv, "overdue"));

	html_raw(h, "<section aria-labelledby=\"h-uppgifter\"><h2 id=\"h-uppgifter\">Uppgifter"
		    "</h2><dl class=\"facts\"><div><dt>Fokusområde</dt><dd>");
	if (fa) {
		html_long(h, (long)json_integer_value(json_object_get(fa, "ordinal")));
		html_raw(h, ". ");
		html_txt(h, web_str(fa, "title"));
	}
	html_raw(h, "</dd></div>");
	fact_text(h, "Ansvarig organisation",
		  web_org_name(json_object_get(more, "organisations"),
			       web_str(iv, "responsible_organisation")));
	fact_text(h, "Ansvarig roll", web_str(iv, "responsible_role"));
	fact_text(h, "Status", sv_intervention_status(web_str(iv, "status")));
	html_raw(h, "<div><dt>Läge</dt><dd>");
	html_rag(h, web_str(iv, "rag"));
	html_raw(h, "</dd></div><div><dt>Framsteg</dt><dd>");
	html_long(h, (long)json_integer_value(json_object_get(iv, "progress_percent")));
	html_raw(h, " %</dd></div>");
	fact_date(h, "Startdatum", web_str(iv, "starts_on"));
	html_raw(h, "<div><dt>Slutdatum</dt><dd>");
	if (json_is_true(json_object_get(iv, "recurring")))
		html_raw(h, web_str(iv, "due_on") ? "Löpande, t.o.m. " : "Löpande");
	if (web_str(iv, "due_on"))
		html_date(h, web_str(iv, "due_on"));
	else if (!json_is_true(json_object_get(iv, "recurring")))
		html_raw(h, "<span class=\"none\">Ej angivet</span>");
	if (late)
		html_raw(h, " <strong class=\"overdue\">Försenad</strong>");
	html_raw(h, "</dd></div><div><dt>Nedlagda timmar</dt><dd>");
	html_amount(h, json_object_get(iv, "hours_spent"));
	html_raw(h, "</dd></div>");
	fact_date(h, "Senast ändrad", web_str(iv, "updated_at"));
	html_raw(h, "</dl></section>");
}

static void text_section(struct html *h, const char *id, const char *title, const char *text)
{
	html_raw(h, "<section aria-labelledby=\"h-");
	html_raw(h, id);
	html_raw(h, "\"><h2 id=\"h-");
	html_raw(h, id);
	html_raw(h, "\">");
	html_txt(h, title);
	html_raw(h, "</h2>");
	if (text && text[0]) {
		html_raw(h, "<p class=\"text\">");
		html_txt(h, text);
		html_raw(h, "</p>");
	} else {
		html_raw(h, "<p class=\"none\">Ej angivet.</p>");
	}
	html_raw(h, "</section>");
}

/* One logged update: when, by whom, what it said and what it changed. */
static void update_item(struct html *h, json_t *u, json_t *names)
{
	json_t *progress = json_object_get(u, "progress_percent"),
	       *hours = json_object_get(u, "hours");

	html_raw(h, "<li><p class=\"meta\"><span class=\"when\">");
	html_date(h, web_str(u, "created_at"));
	html_raw(h, "</span><span>");
	html_txt(h, web_str(u, "author"));
	if (web_str(u, "organisation")) {
		html_raw(h, ", ");
		html_txt(h, web_org_name(names, web_str(u, "organisation")));
	}
	html_raw(h, "</span></p><p class=\"text\">");
	html_txt(h, web_str(u, "note"));
	html_raw(h, "</p>");
	if (web_str(u, "status") || web_str(u, "rag") || json_is_integer(progress) ||
	    json_is_number(hours) || json_is_true(json_object_get(u, "communicated"))) {
		html_raw(h, "<ul class=\"changes\">");
		if (web_str(u, "status")) {
			html_raw(h, "<li>Status: ");
			html_txt(h, sv_intervention_status(web_str(u, "status")));
			html_raw(h, "</li>");
		}
		if (web_str(u, "rag")) {
			html_raw(h, "<li>Läge: ");
			html_rag(h, web_str(u, "rag"));
			html_raw(h, "</li>");
		}
		if (json_is_integer(progress)) {
			html_raw(h, "<li>Framsteg: ");
			html_long(h, (long)json_integer_value(progress));
			html_raw(h, " %</li>");
		}
		if (json_is_number(hours)) {
			html_raw(h, "<li>Timmar: ");
			html_amount(h, hours);
			html_raw(h, "</li>");
		}
		if (json_is_true(json_object_get(u, "communicated"))) {
			html_raw(h, "<li>Kommunicerad");
			if (web_str(u, "channel")) {
				html_raw(h, " via ");
				html_txt(h, web_str(u, "channel"));
			}
			html_raw(h, "</li>");
		}
		html_raw(h, "</ul>");
	}
	html_raw(h, "</li>");
}

static void intervention_page(struct req *r, json_t *iv, json_t *updates, json_t *plan,
			      json_t *more, bool cut)
{
	struct html h = { 0 };
	json_t *names = json_object_get(more, "organisations");
	size_t n = json_array_size(updates);

	page_begin(&h, r, web_str(iv, "title") ? web_str(iv, "title") : "Insats", "/atgardsplaner");
	html_raw(&h, "<p class=\"crumbs noprint\"><a href=\"/atgardsplaner\">Alla åtgärdsplaner"
		     "</a> › <a href=\"/atgardsplaner/");
	html_attr(&h, web_str(plan, "id"));
	html_raw(&h, "\">");
	html_txt(&h, web_str(plan, "title"));
	html_raw(&h, "</a></p><p class=\"meta\"><span class=\"status\">");
	html_txt(&h, sv_intervention_status(web_str(iv, "status")));
	html_raw(&h, "</span>");
	html_rag(&h, web_str(iv, "rag"));
	if (json_is_true(json_object_get(iv, "overdue")))
		html_raw(&h, "<strong class=\"overdue\">Försenad</strong>");
	html_raw(&h, "</p>");
	/* Only for those who may edit, and only while the plan may change. */
	if (policy_check(&r->auth.actor.p, ACT_EDIT_PLANS, NULL, NULL) &&
	    strcmp(web_str(plan, "status") ? web_str(plan, "status") : "", "adopted") != 0) {
		html_raw(&h,
			 "<p class=\"actions noprint\"><a class=\"button\" href=\"/atgardsplaner/");
		html_attr(&h, web_str(plan, "id"));
		html_raw(&h, "/insatser/");
		html_attr(&h, web_str(iv, "id"));
		html_raw(&h, "/redigera\">Redigera insatsen</a></p>");
	}
	facts(&h, iv, more);
	text_section(&h, "orsak", "Orsak (problem som insatsen ska åtgärda)", web_str(iv, "cause"));
	text_section(&h, "beskrivning", "Beskrivning av insatsen", web_str(iv, "description"));
	text_section(&h, "mal", "Operativt mål", web_str(iv, "operational_goal"));
	intervention_log_form(&h, r, iv);
	html_raw(&h, "<section aria-labelledby=\"h-logg\"><h2 id=\"h-logg\">Framstegslogg</h2>");
	if (n == 0)
		html_raw(&h, "<p class=\"none\">Inga uppdateringar har loggats ännu.</p>");
	else
		html_raw(&h, "<ol class=\"cards log\" reversed>");
	for (size_t i = n; i > 0; i--)
		update_item(&h, json_array_get(updates, i - 1), names);
	if (n)
		html_raw(&h, "</ol>");
	if (cut)
		html_raw(&h,
			 "<p class=\"notice\">Loggen har fler uppdateringar än sidan visar.</p>");
	html_raw(&h, "</section>");
	page_end(&h);
	web_send(r, r->web.status ? r->web.status : 200, &h);
}

static void intervention_loaded(struct req *r, const struct db_result *res)
{
	json_t *iv, *list, *plan, *more;
	int col;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	iv = result_json(res, 0);
	if (!iv || !req_result_text(res, 2) || !web_str(iv, "action_plan") ||
	    strcasecmp(web_str(iv, "action_plan"), r->web.id) != 0) {
		json_decref(iv);
		not_found(r);
		return;
	}
	list = result_json(res, 1);
	plan = result_json(res, 2);
	more = result_json(res, 3);
	col = PQfnumber(res->res[1], "next_cursor");
	if (list && plan && more)
		intervention_page(r, iv, json_object_get(list, "items"), plan, more,
				  col >= 0 && PQntuples(res->res[1]) > 0 &&
				      db_get(res->res[1], 0, col) != NULL);
	else
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
	json_decref(iv);
	json_decref(list);
	json_decref(plan);
	json_decref(more);
}

void web_intervention_get(struct req *r)
{
	if (!web_read_allowed(r, "GET /atgardsplaner/{}/insatser/{}"))
		return;
	if (!validate_uuid(r->web.id) || !validate_uuid(r->web.sub)) {
		not_found(r);
		return;
	}
	struct db_call calls[4] = {
		{ .stmt = SQL_INTERVENTION_GET, .nparams = 1, .params = { r->web.sub } },
		{ .stmt = SQL_UPDATE_LIST, .nparams = 3, .params = { r->web.sub, LOG_SIZE, NULL } },
		{ .stmt = SQL_PLAN_GET, .nparams = 1, .params = { r->web.id } },
		{ .stmt = SQL_WEB_PLAN, .nparams = 1, .params = { r->web.id } },
	};
	req_db(r, calls, 4, intervention_loaded);
}
