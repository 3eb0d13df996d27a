/*
 * Möten: the meetings as GET /v1/meetings lists them (the statement
 * meeting_list, its cursor and its ?group= filter, under its right
 * ACT_READ_SHARED), with the names of web_meetings.sql's web_meetings
 * beside them, and the form that records one (meeting_form.c) for a user
 * the policy lets record a meeting of at least one group (ACT_RECORD_MEETING
 * per group, as POST /v1/meetings checks it). The form offers only those
 * groups; a user who may record none sees no form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "sql_names.h"
#include "validate.h"
#include "web_internal.h"

#define LIST_SIZE "20"

/* ---- shared with the forms ------------------------------------------------------ */

void web_field_error(struct html *h, json_t *errors, const char *field)
{
	const char *msg = web_str(errors, field);

	if (!msg)
		return;
	html_raw(h, "<p class=\"field-error\" id=\"fel-");
	html_attr(h, field);
	html_raw(h, "\">");
	html_txt(h, msg);
	html_raw(h, "</p>");
}

/* aria-invalid and aria-describedby of a field with an error. */
void web_field_aria(struct html *h, json_t *errors, const char *field)
{
	if (!web_str(errors, field))
		return;
	html_raw(h, " aria-invalid=\"true\" aria-describedby=\"fel-");
	html_attr(h, field);
	html_raw(h, "\"");
}

void web_text_input(struct html *h, json_t *form, json_t *errors, const char *prefix,
		    const char *field, const char *label, const char *attrs)
{
	html_raw(h, "<label for=\"");
	html_raw(h, prefix);
	html_raw(h, field);
	html_raw(h, "\">");
	html_txt(h, label);
	html_raw(h, "</label>");
	web_field_error(h, errors, field);
	html_raw(h, "<input id=\"");
	html_raw(h, prefix);
	html_raw(h, field);
	html_raw(h, "\" name=\"");
	html_raw(h, field);
	html_raw(h, "\"");
	html_raw(h, attrs);
	html_raw(h, " value=\"");
	html_attr(h, web_str(form, field));
	html_raw(h, "\"");
	web_field_aria(h, errors, field);
	html_raw(h, ">");
}

/* "2026-W49" as "v. 49". */
static void week_number(struct html *h, const char *label)
{
	const char *w = label ? strstr(label, "-W") : NULL;
	char *end;
	long n = w ? strtol(w + 2, &end, 10) : 0;

	if (!w || *end || n < 1 || n > 53) {
		html_txt(h, label);
		return;
	}
	html_raw(h, "v. ");
	html_long(h, n);
}

/* ---- names ------------------------------------------------------------------------ */

/* The name of the entry of list (an array of {slug, name}) with slug. */
static const char *name_in(json_t *list, const char *slug)
{
	json_t *o;
	size_t i;

	json_array_foreach (list, i, o)
		if (slug && web_str(o, "slug") && strcmp(web_str(o, "slug"), slug) == 0)
			return web_str(o, "name");
	return slug;
}

bool meeting_may_record(struct req *r, const char *group)
{
	struct policy_target t = { .group = group };

	return policy_check(&r->auth.actor.p, ACT_RECORD_MEETING, &t, NULL);
}

/* How many groups the actor may record a meeting of. */
static size_t recordable(struct req *r, json_t *groups, const char **only)
{
	json_t *g;
	size_t i, n = 0;

	json_array_foreach (groups, i, g)
		if (meeting_may_record(r, web_str(g, "slug"))) {
			n++;
			*only = web_str(g, "slug");
		}
	return n;
}

/* ---- one meeting ---------------------------------------------------------------- */

static void string_list(struct html *h, json_t *a, const char *empty)
{
	json_t *v;
	size_t i;

	if (json_array_size(a) == 0) {
		html_raw(h, "<span class=\"none\">");
		html_txt(h, empty);
		html_raw(h, "</span>");
		return;
	}
	html_raw(h, "<ul>");
	json_array_foreach (a, i, v) {
		html_raw(h, "<li>");
		html_txt(h, json_string_value(v));
		html_raw(h, "</li>");
	}
	html_raw(h, "</ul>");
}

static void meeting_item(struct html *h, json_t *m, json_t *more)
{
	json_t *orgs = json_object_get(more, "organisations"), *a, *v;
	size_t i;

	html_raw(h, "<li class=\"meeting\" id=\"m-");
	html_attr(h, web_str(m, "id"));
	html_raw(h, "\"><h3 class=\"title\">");
	html_txt(h, name_in(json_object_get(more, "groups"), web_str(m, "group")));
	html_raw(h, ", ");
	html_date(h, web_str(m, "held_on"));
	html_raw(h, " <span class=\"week\">(");
	week_number(h, web_str(m, "iso_week"));
	html_raw(h, ")</span></h3><dl class=\"facts\"><div><dt>Närvarande</dt><dd>");
	a = json_object_get(m, "attendees");
	if (json_array_size(a) == 0)
		html_raw(h, "<span class=\"none\">Ingen angiven</span>");
	json_array_foreach (a, i, v) {
		html_raw(h, i ? ", " : "");
		html_txt(h, name_in(orgs, json_string_value(v)));
	}
	html_raw(h, "</dd></div><div><dt>Registrerat av</dt><dd>");
	html_txt(h, web_str(m, "recorded_by"));
	html_raw(h, ", ");
	html_date(h, web_str(m, "created_at"));
	html_raw(h, "</dd></div></dl><div class=\"parts\"><div><h4>Beslut</h4>");
	string_list(h, json_object_get(m, "decisions"), "Inga beslut");
	html_raw(h, "</div><div><h4>Fokusplatser</h4>");
	string_list(h, json_object_get(m, "focus_places"), "Inga fokusplatser");
	html_raw(h, "</div></div>");
	if (web_str(m, "minutes") && web_str(m, "minutes")[0]) {
		html_raw(h, "<h4>Anteckningar</h4><p class=\"text\">");
		html_txt(h, web_str(m, "minutes"));
		html_raw(h, "</p>");
	}
	html_raw(h, "</li>");
}

/* ---- the form ---------------------------------------------------------------------- */

static bool checked(json_t *form, const char *slug)
{
	json_t *v;
	size_t i;

	json_array_foreach (json_object_get(form, "attendees"), i, v)
		if (slug && json_string_value(v) && strcmp(json_string_value(v), slug) == 0)
			return true;
	return false;
}

static void text_field(struct html *h, json_t *form, json_t *errors, const char *field,
		       const char *label, const char *hint, int rows)
{
	html_raw(h, "<label for=\"f-");
	html_raw(h, field);
	html_raw(h, "\">");
	html_txt(h, label);
	html_raw(h, "</label>");
	if (hint) {
		html_raw(h, "<p class=\"hint\" id=\"tips-");
		html_raw(h, field);
		html_raw(h, "\">");
		html_txt(h, hint);
		html_raw(h, "</p>");
	}
	web_field_error(h, errors, field);
	html_raw(h, "<textarea id=\"f-");
	html_raw(h, field);
	html_raw(h, "\" name=\"");
	html_raw(h, field);
	html_raw(h, "\" rows=\"");
	html_long(h, rows);
	html_raw(h, "\"");
	if (web_str(errors, field)) {
		web_field_aria(h, errors, field);
	} else if (hint) {
		html_raw(h, " aria-describedby=\"tips-");
		html_raw(h, field);
		html_raw(h, "\"");
	}
	html_raw(h, ">");
	html_txt(h, web_str(form, field));
	html_raw(h, "</textarea>");
}

static void record_form(struct html *h, struct req *r, json_t *more)
{
	json_t *form = r->web.form, *errors = r->web.errors, *g, *o;
	const char *only = NULL, *chosen = web_str(form, "group");
	size_t i, n = recordable(r, json_object_get(more, "groups"), &only);

	if (n == 0)
		return;
	if (!form && n == 1)
		chosen = only;
	/* Folded away until asked for, so that the list is near the top; open
	 * when the form comes back refused. */
	html_raw(h, "<section class=\"noprint\" aria-labelledby=\"h-registrera\"><details");
	html_raw(h, form ? " open" : "");
	html_raw(h, "><summary><h2 id=\"h-registrera\">Registrera ett möte</h2></summary>");
	if (json_object_size(errors))
		html_raw(h, "<p class=\"error\" role=\"alert\">Mötet registrerades inte. Rätta det "
			    "som anges vid fälten nedan.</p>");
	html_raw(h, "<form class=\"record\" method=\"post\" action=\"/moten\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(h, r->web.csrf);
	html_raw(h, "\"><label for=\"f-group\">Grupp</label>");
	web_field_error(h, errors, "group");
	html_raw(h, "<select id=\"f-group\" name=\"group\" required");
	web_field_aria(h, errors, "group");
	html_raw(h, ">");
	if (n > 1)
		html_raw(h, "<option value=\"\">Välj grupp</option>");
	json_array_foreach (json_object_get(more, "groups"), i, g) {
		const char *slug = web_str(g, "slug");

		if (!meeting_may_record(r, slug))
			continue;
		html_raw(h, "<option value=\"");
		html_attr(h, slug);
		html_raw(h, "\"");
		if (chosen && slug && strcmp(chosen, slug) == 0)
			html_raw(h, " selected");
		html_raw(h, ">");
		html_txt(h, web_str(g, "name"));
		html_raw(h, "</option>");
	}
	html_raw(h, "</select><label for=\"f-held_on\">Datum</label><p class=\"hint\" "
		    "id=\"tips-held_on\">Dagen mötet hölls, till exempel ");
	html_date(h, web_str(more, "today"));
	html_raw(h, ".</p>");
	web_field_error(h, errors, "held_on");
	html_raw(h, "<input id=\"f-held_on\" name=\"held_on\" type=\"date\" required max=\"");
	html_attr(h, web_str(more, "today"));
	html_raw(h, "\" value=\"");
	html_attr(h, web_str(form, "held_on"));
	html_raw(h, "\"");
	if (web_str(errors, "held_on"))
		web_field_aria(h, errors, "held_on");
	else
		html_raw(h, " aria-describedby=\"tips-held_on\"");
	html_raw(h, "><fieldset");
	web_field_aria(h, errors, "attendees");
	html_raw(h, "><legend>Närvarande organisationer</legend>");
	web_field_error(h, errors, "attendees");
	html_raw(h, "<div class=\"checks\">");
	json_array_foreach (json_object_get(more, "organisations"), i, o) {
		html_raw(h, "<label><input type=\"checkbox\" name=\"attendees\" value=\"");
		html_attr(h, web_str(o, "slug"));
		html_raw(h, "\"");
		if (checked(form, web_str(o, "slug")))
			html_raw(h, " checked");
		html_raw(h, "> ");
		html_txt(h, web_str(o, "name"));
		html_raw(h, "</label>");
	}
	html_raw(h, "</div></fieldset>");
	text_field(h, form, errors, "decisions", "Beslut", "Ett beslut per rad.", 3);
	text_field(h, form, errors, "focus_places", "Fokusplatser",
		   "En plats per rad, till exempel Märsta centrum.", 3);
	text_field(h, form, errors, "minutes", "Anteckningar", NULL, 5);
	html_raw(h, "<div class=\"buttons\"><button type=\"submit\">Registrera mötet</button>"
		    "</div></form></details></section>");
}

/* ---- the page ----------------------------------------------------------------------- */

static void group_filter(struct html *h, json_t *more, const char *group)
{
	json_t *g;
	size_t i;

	html_raw(h, "<form class=\"filter noprint\" method=\"get\" action=\"/moten\">"
		    "<label for=\"grupp\">Visa möten för</label><select id=\"grupp\" "
		    "name=\"grupp\"><option value=\"\">Alla grupper</option>");
	json_array_foreach (json_object_get(more, "groups"), i, g) {
		html_raw(h, "<option value=\"");
		html_attr(h, web_str(g, "slug"));
		html_raw(h, "\"");
		if (group && web_str(g, "slug") && strcmp(group, web_str(g, "slug")) == 0)
			html_raw(h, " selected");
		html_raw(h, ">");
		html_txt(h, web_str(g, "name"));
		html_raw(h, "</option>");
	}
	html_raw(h, "</select><button type=\"submit\" class=\"secondary\">Visa</button></form>");
}

void page_meetings(struct req *r, json_t *items, const char *next, json_t *recorded)
{
	struct html h = { 0 };
	json_t *more = r->web.more, *m;
	const char *cursor = r->web.form ? NULL : req_query(r, "cursor");
	const char *group = r->web.form ? NULL : req_query(r, "grupp");
	const char *only = NULL;
	size_t i;

	page_begin(&h, r, "Möten", "/moten");
	html_raw(&h, "<p class=\"hint\">EST-gruppernas veckomöten och styrgruppens möten, i den "
		     "ordning de registrerades.</p>");
	if (recorded) {
		html_raw(&h, "<div class=\"notice\" role=\"status\"><h2>Mötet är registrerat</h2>"
			     "<ol class=\"cards\">");
		meeting_item(&h, recorded, more);
		html_raw(&h, "</ol></div>");
	}
	if (r->web.error && recordable(r, json_object_get(more, "groups"), &only) == 0) {
		html_raw(&h, "<p class=\"error\" role=\"alert\">");
		html_txt(&h, r->web.error);
		html_raw(&h, "</p>");
	}
	record_form(&h, r, more);
	html_raw(&h, "<section aria-labelledby=\"h-moten\"><h2 id=\"h-moten\">Registrerade möten"
		     "</h2>");
	group_filter(&h, more, group && group[0] ? group : NULL);
	if (json_array_size(items) == 0)
		html_raw(&h, cursor ? "<p>Inga fler möten.</p>"
				    : "<p>Inga möten är registrerade ännu.</p>");
	else
		html_raw(&h, "<ol class=\"cards meetings\">");
	json_array_foreach (items, i, m)
		meeting_item(&h, m, more);
	if (json_array_size(items))
		html_raw(&h, "</ol>");
	if (cursor || next) {
		html_raw(&h, "<nav class=\"pages\" aria-label=\"Bläddra bland mötena\">");
		if (cursor) {
			html_raw(&h, "<a href=\"/moten");
			if (group && group[0]) {
				html_raw(&h, "?grupp=");
				html_attr(&h, group);
			}
			html_raw(&h, "\">Första sidan</a>");
		}
		if (next) {
			html_raw(&h, "<a rel=\"next\" href=\"/moten?");
			if (group && group[0]) {
				html_raw(&h, "grupp=");
				html_attr(&h, group);
				html_raw(&h, "&amp;");
			}
			html_raw(&h, "cursor=");
			html_attr(&h, next);
			html_raw(&h, "\">Nästa sida</a>");
		}
		html_raw(&h, "</nav>");
	}
	html_raw(&h, "</section>");
	page_end(&h);
	web_send(r, r->web.status ? r->web.status : 200, &h);
}

/* ---- its reads -------------------------------------------------------------------- */

static void meetings_loaded(struct req *r, const struct db_result *res)
{
	const char *list = NULL, *more = NULL, *one = NULL, *next = NULL;
	json_t *doc = NULL, *recorded = NULL;
	int col;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	list = req_result_text(res, 0);
	more = req_result_text(res, 1);
	one = res->n > 2 ? req_result_text(res, 2) : NULL;
	col = PQfnumber(res->res[0], "next_cursor");
	if (col >= 0 && PQntuples(res->res[0]) > 0)
		next = db_get(res->res[0], 0, col);
	doc = list ? json_loads(list, 0, NULL) : NULL;
	r->web.more = more ? json_loads(more, 0, NULL) : NULL;
	recorded = one ? json_loads(one, 0, NULL) : NULL;
	if (!doc || !r->web.more || (one && !recorded)) {
		json_decref(doc);
		json_decref(recorded);
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
		return;
	}
	page_meetings(r, json_object_get(doc, "items"), next, recorded);
	json_decref(doc);
	json_decref(recorded);
}

void meetings_load(struct req *r, const char *cursor, const char *group, const char *recorded)
{
	struct db_call calls[3] = {
		{ .stmt = SQL_MEETING_LIST,
		  .nparams = 5,
		  .params = { LIST_SIZE, cursor, group, NULL, NULL } },
		{ .stmt = SQL_WEB_MEETINGS, .nparams = 0 },
		{ .stmt = SQL_MEETING_GET, .nparams = 1, .params = { recorded } },
	};

	req_db(r, calls, recorded ? 3 : 2, meetings_loaded);
}

void web_meetings(struct req *r)
{
	const char *cursor = NULL, *group = req_query(r, "grupp");
	const char *recorded = req_query(r, "registrerat");

	if (!req_allow(r, ACT_READ_SHARED, NULL))
		return;
	if (group && !group[0])
		group = NULL;
	if (req_cursor_seq(r, &cursor) != 0 || (group && !validate_slug(group))) {
		web_message(r, 400, "Felaktig adress",
			    "Adressen känns inte igen. Välj Möten i menyn för att börja om.");
		return;
	}
	if (recorded && !validate_uuid(recorded))
		recorded = NULL;
	meetings_load(r, cursor, group, recorded);
}
