/*
 * Reporting one incident on the web (GET and POST /lagesbild/rapportera),
 * and the dispatch of the paths under /lagesbild/.
 *
 * The form's incident is the API's (POST /v1/incidents with one
 * incident): the same checks (incidents_check: shape, privacy guard), the
 * same right (ACT_REPORT_INCIDENT for its municipality, refused with 403
 * and audited), the same statement (svk.incidents_create: references,
 * time, identity per source and the audit entry). A refusal shows the
 * form again with what was typed and each error in Swedish next to its
 * field; a stored incident answers 303 to the lägesbild of its
 * municipality and week, where it is counted. Nothing of the incident
 * reaches the log. A form without the session's form token, or from
 * another origin, is refused with 403 before anything is read.
 */
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incidents.h"
#include "request.h"
#include "sql_names.h"
#include "validate.h"
#include "web_internal.h"

/* The form's fields and the API's members they are. */
static const char *const fields[][2] = {
	{ "kommun", "municipality" }, { "tidpunkt", "occurred_at" },    { "plats", "place" },
	{ "kategori", "category" },   { "beskrivning", "description" },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static const char *typed(struct req *r, const char *name)
{
	return web_str(r->web.form, name);
}

static const char *error_of(struct req *r, const char *name)
{
	return web_str(json_object_get(r->web.form, "errors"), name);
}

/* The first municipality the actor may report for: the one asked for,
 * their own, or any. */
static const char *report_municipality(struct req *r, const char *asked)
{
	json_t *m;
	size_t i;

	if (asked && web_municipality_name(r, asked) && web_may_report(r, asked))
		return asked;
	if (web_may_report(r, web_own_municipality(r)))
		return web_own_municipality(r);
	json_array_foreach (json_object_get(r->web.more, "municipalities"), i, m)
		if (web_may_report(r, web_str(m, "slug")))
			return web_str(m, "slug");
	return NULL;
}

/* The label, the error next to it (when there is one) and the field's
 * opening up to its value. */
static void field_start(struct html *h, struct req *r, const char *name, const char *label,
			const char *hint)
{
	const char *err = error_of(r, name);

	html_raw(h, "<div class=\"field");
	html_raw(h, err ? " invalid\">" : "\">");
	html_raw(h, "<label for=\"");
	html_attr(h, name);
	html_raw(h, "\">");
	html_txt(h, label);
	html_raw(h, "</label>");
	if (hint) {
		html_raw(h, "<p class=\"hint\" id=\"");
		html_attr(h, name);
		html_raw(h, "-hint\">");
		html_txt(h, hint);
		html_raw(h, "</p>");
	}
	if (err) {
		html_raw(h, "<p class=\"error\" id=\"");
		html_attr(h, name);
		html_raw(h, "-error\">");
		html_txt(h, err);
		html_raw(h, "</p>");
	}
}

/* id, name and the aria attributes that tie the field to its hint and error. */
static void field_attrs(struct html *h, struct req *r, const char *name, bool hint)
{
	bool err = error_of(r, name) != NULL;

	html_raw(h, " id=\"");
	html_attr(h, name);
	html_raw(h, "\" name=\"");
	html_attr(h, name);
	html_raw(h, "\"");
	if (err)
		html_raw(h, " aria-invalid=\"true\"");
	if (hint || err) {
		html_raw(h, " aria-describedby=\"");
		if (hint) {
			html_attr(h, name);
			html_raw(h, "-hint");
		}
		if (hint && err)
			html_raw(h, " ");
		if (err) {
			html_attr(h, name);
			html_raw(h, "-error");
		}
		html_raw(h, "\"");
	}
}

static void option(struct html *h, const char *value, const char *text, const char *chosen)
{
	html_raw(h, "<option value=\"");
	html_attr(h, value);
	html_raw(h, chosen && value && strcmp(chosen, value) == 0 ? "\" selected>" : "\">");
	html_txt(h, text);
	html_raw(h, "</option>");
}

static void report_page(struct req *r, int status)
{
	struct html h = { 0 };
	const char *mun = typed(r, "kommun"), *cat = typed(r, "kategori");
	const char *when = typed(r, "tidpunkt") ? typed(r, "tidpunkt")
						: web_str(r->web.more, "now");
	json_t *m, *errs = json_object_get(r->web.form, "errors");
	size_t i;

	page_begin(&h, r, "Rapportera en händelse", "/lagesbild");
	html_raw(&h, "<p class=\"crumbs\"><a href=\"/lagesbild?kommun=");
	html_attr(&h, mun);
	html_raw(&h, "\">Tillbaka till lägesbilden</a></p>");
	if (json_object_size(errs) > 0) {
		html_raw(&h, "<div class=\"error\" role=\"alert\" id=\"form-error\"><p>Händelsen "
			     "sparades inte. Rätta det som är markerat nedan.</p>");
		if (error_of(r, "form")) {
			html_raw(&h, "<p>");
			html_txt(&h, error_of(r, "form"));
			html_raw(&h, "</p>");
		}
		html_raw(&h, "</div>");
	}
	html_raw(&h, "<p class=\"hint\">Beskriv vad som hände och var, aldrig vem: skriv inga "
		     "namn eller personnummer.</p><form class=\"report\" method=\"post\" "
		     "action=\"/lagesbild/rapportera\" novalidate><input type=\"hidden\" "
		     "name=\"csrf\" value=\"");
	html_attr(&h, r->web.csrf);
	html_raw(&h, "\">");
	field_start(&h, r, "kommun", "Kommun", NULL);
	html_raw(&h, "<select");
	field_attrs(&h, r, "kommun", false);
	html_raw(&h, ">");
	json_array_foreach (json_object_get(r->web.more, "municipalities"), i, m)
		if (web_may_report(r, web_str(m, "slug")))
			option(&h, web_str(m, "slug"), web_str(m, "name"), mun);
	html_raw(&h, "</select></div>");
	field_start(&h, r, "tidpunkt", "När hände det?", "Datum och klockslag, svensk tid.");
	html_raw(&h, "<input type=\"datetime-local\"");
	field_attrs(&h, r, "tidpunkt", true);
	html_raw(&h, " required value=\"");
	html_attr(&h, when);
	html_raw(&h, "\"></div>");
	field_start(&h, r, "plats", "Plats", "Till exempel Stationsgatan eller Centrumtorget.");
	html_raw(&h, "<input type=\"text\" maxlength=\"200\" required");
	field_attrs(&h, r, "plats", true);
	html_raw(&h, " value=\"");
	html_attr(&h, typed(r, "plats"));
	html_raw(&h, "\"></div>");
	field_start(&h, r, "kategori", "Kategori", NULL);
	html_raw(&h, "<select");
	field_attrs(&h, r, "kategori", false);
	html_raw(&h, " required>");
	if (!cat)
		html_raw(&h, "<option value=\"\" selected>Välj en kategori</option>");
	json_array_foreach (json_object_get(r->web.more, "categories"), i, m)
		option(&h, web_str(m, "slug"), web_str(m, "name"), cat);
	html_raw(&h, "</select></div>");
	field_start(&h, r, "beskrivning", "Beskrivning (frivillig)", NULL);
	html_raw(&h, "<textarea rows=\"4\" maxlength=\"2000\"");
	field_attrs(&h, r, "beskrivning", false);
	html_raw(&h, ">");
	html_txt(&h, typed(r, "beskrivning"));
	html_raw(&h, "</textarea></div><div class=\"buttons\"><button type=\"submit\">Rapportera"
		     "</button></div></form>");
	page_end(&h);
	web_send(r, status, &h);
}

/* ---- GET ----------------------------------------------------------------------- */

static void report_form(struct req *r)
{
	const char *why = NULL, *mun = report_municipality(r, req_query(r, "kommun"));
	struct policy_target t = { .municipality = web_own_municipality(r) };

	if (!mun) {
		/* The API's refusal, audited. */
		(void)policy_check(&r->auth.actor.p, ACT_REPORT_INCIDENT, &t, &why);
		req_forbidden(r, why ? why : "forbidden");
		return;
	}
	if (!r->web.form)
		r->web.form = json_object();
	if (!r->web.form || json_object_set_new(r->web.form, "kommun", json_string(mun)) != 0) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	report_page(r, 200);
}

static void report_get(struct req *r, const struct db_result *read)
{
	(void)read;
	web_csrf_of(r->web.token, r->web.csrf);
	web_situation_names(r, report_form);
}

/* ---- POST ---------------------------------------------------------------------- */

/* Puts each error ({field, message}) next to its form field, in Swedish. */
static void keep_errors(struct req *r, json_t *errs)
{
	json_t *shown = json_object(), *e;
	char buf[300];
	size_t i, k;

	if (!shown)
		return;
	json_array_foreach (errs, i, e) {
		const char *field = web_str(e, "field"), *name = "form";

		for (k = 0; field && k < NFIELDS; k++)
			if (strcmp(field, fields[k][1]) == 0)
				name = fields[k][0];
		if (!json_object_get(shown, name))
			json_object_set_new(shown, name,
					    json_string(sv_incident_error(
						field, web_str(e, "message"), buf, sizeof buf)));
	}
	json_object_set_new(r->web.form, "errors", shown);
}

static void refused_db(struct req *r, const struct db_result *res)
{
	json_t *errs = res->detail ? json_loads(res->detail, 0, NULL) : NULL;

	if (!json_is_array(errs)) {
		json_decref(errs);
		errs = json_pack("[{s:s?, s:s?}]", "field", res->column, "message", res->message);
	}
	keep_errors(r, errs);
	json_decref(errs);
	report_page(r, 422);
}

static void stored(struct req *r, const struct db_result *res)
{
	const char *text = req_result_text(res, 0);
	json_t *doc;
	char location[160];

	if (res->err == SVK_ERR_VALIDATION && svk_sqlstate_is_ours(res->sqlstate)) {
		refused_db(r, res);
		return;
	}
	if (res->err != SVK_OK || !text) {
		req_reply_db_error(r, res);
		return;
	}
	doc = json_loads(text, 0, NULL);
	snprintf(location, sizeof location, "/lagesbild?kommun=%s&vecka=%s#veckan",
		 web_str(doc, "municipality") ? web_str(doc, "municipality") : "",
		 web_str(doc, "week") ? web_str(doc, "week") : "");
	json_decref(doc);
	web_redirect(r, location);
}

/* The form as the API's incident: the members that were filled in. */
static json_t *incident_of(struct req *r)
{
	json_t *item = json_object();

	for (size_t k = 0; item && k < NFIELDS; k++) {
		const char *v = typed(r, fields[k][0]);

		if (v && v[0] && json_object_set_new(item, fields[k][1], json_string(v)) != 0) {
			json_decref(item);
			return NULL;
		}
	}
	return item;
}

static void report_check(struct req *r)
{
	json_t *item = incident_of(r), *items = item ? json_pack("[o]", item) : NULL;
	json_t *errs = json_array();

	if (!items || !errs) {
		json_decref(items);
		json_decref(errs);
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	if (!incidents_check(r, items, true, errs))
		goto out;
	if (json_array_size(errs) > 0) {
		keep_errors(r, errs);
		report_page(r, 422);
		goto out;
	}
	if (!incident_allowed(r, items))
		goto out;
	(void)incidents_store(r, items, true, stored);
out:
	json_decref(items);
	json_decref(errs);
}

static void report_authenticated(struct req *r, const struct db_result *read)
{
	(void)read;
	if (!web_form_token_ok(r))
		return;
	web_situation_names(r, report_check);
}

static void report_post(struct req *r)
{
	struct evkeyvalq f;

	if (!web_form_open(r, &f))
		return;
	r->web.form = json_object();
	for (size_t k = 0; r->web.form && k < NFIELDS; k++) {
		const char *v = evhttp_find_header(&f, fields[k][0]);
		/* Text that is not UTF-8 is kept as none: "is required". */
		json_t *s = v ? web_text_json(v) : NULL;

		if (s && json_object_set_new(r->web.form, fields[k][0], s) != 0) {
			json_decref(r->web.form);
			r->web.form = NULL;
		}
	}
	evhttp_clear_headers(&f);
	if (!r->web.form) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	web_authenticate(r, report_authenticated);
}

/* ---- the paths under /lagesbild/ --------------------------------------------------- */

void web_situation_route(struct req *r)
{
	bool report = strcmp(r->path, "/lagesbild/rapportera") == 0;
	bool upload = strcmp(r->path, "/lagesbild/importera") == 0;

	if (!report && !upload) {
		web_message(r, 404, "Sidan finns inte", "Det finns ingen sida med den adressen.");
	} else if (r->method == M_GET) {
		web_authenticate(r, report ? report_get : web_import_get);
	} else if (r->method == M_POST) {
		if (report)
			report_post(r);
		else
			web_import_post(r);
	} else {
		evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Allow", "GET, POST");
		web_message(r, 405, "Fel metod", "Sidan tar inte emot den sortens begäran.");
	}
}
