/*
 * An intervention's form: adding one to a plan and editing one, as
 * POST /v1/action-plans/{id}/interventions and PATCH /v1/interventions/{id}
 * do it, through the same right (ACT_EDIT_PLANS: the beredningsgrupp and
 * up), the same field checks (intervention_create_fields and
 * intervention_patch_fields), the same privacy guard and the same SQL
 * functions (svk.intervention_create, svk.intervention_patch) with their
 * audit entries and their refusals (a focus area of another agreement, an
 * end before the start, an adopted plan or one awaiting a decision). The
 * edit form carries the version it was read at (the API's ETag) and sends
 * it as If-Match, so that a change made meanwhile is not overwritten
 * unseen.
 *
 *   GET|POST /atgardsplaner/{plan}/insatser/ny              add
 *   GET|POST /atgardsplaner/{plan}/insatser/{id}/redigera   edit
 *
 * A refusal shows the form again with what the user typed and the error
 * next to its field; a save answers 303 to the intervention's page. The
 * router, the CSRF and origin checks and the audited 403 for a user
 * without the right are in intervention_log.c.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "vocab.h"
#include "web_internal.h"

const char *iv_pattern(int view, bool posted)
{
	static const char *const get[] = { "GET /atgardsplaner/{}/insatser/ny",
					   "GET /atgardsplaner/{}/insatser/{}/redigera" };
	static const char *const post[] = { "POST /atgardsplaner/{}/insatser/ny",
					    "POST /atgardsplaner/{}/insatser/{}/redigera" };

	return (posted ? post : get)[view == IV_EDIT];
}

/* What a field's error says when the API's check refuses it. */
static const char *invalid_text(const char *field)
{
	static const char *const map[][2] = {
		{ "title", "Ange insatsens namn, högst 300 tecken." },
		{ "focus_area", "Välj ett fokusområde i listan." },
		{ "responsible_organisation", "Välj ansvarig organisation i listan." },
		{ "responsible_role", "Ansvarig roll får vara högst 200 tecken." },
		{ "cause", "Texten får vara högst 4 000 tecken." },
		{ "description", "Texten får vara högst 4 000 tecken." },
		{ "operational_goal", "Texten får vara högst 4 000 tecken." },
		{ "starts_on", "Ange startdatumet som ett datum, till exempel 2026-12-04." },
		{ "due_on", "Ange slutdatumet som ett datum, till exempel 2026-12-04." },
		{ "recurring", "Kryssa i rutan om insatsen är löpande." },
		{ "status", "Välj en status i listan." },
		{ "rag", "Välj ett läge i listan." },
		{ "progress_percent", "Ange framsteget som ett heltal från 0 till 100." },
		{ "hours_spent", "Ange nedlagda timmar som ett tal från 0 till 1 000 000." },
	};
	return WEB_WORD(map, field);
}

/* The API's ETag of a document: the first half of its SHA-256, in hex. */
static void etag_of(const char *json, char out[33])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)json, strlen(json));
	sodium_bin2hex(out, 33, h, 16);
}

/* ---- the page ------------------------------------------------------------------------ */

/* An intervention as the form shows it: every value as text. */
static json_t *form_of(json_t *iv)
{
	static const char *const texts[] = { "title",
					     "focus_area",
					     "responsible_organisation",
					     "responsible_role",
					     "cause",
					     "description",
					     "operational_goal",
					     "starts_on",
					     "due_on",
					     "status",
					     "rag" };
	json_t *f = json_object();
	char num[64];
	size_t n;
	int rc = !f;

	for (size_t i = 0; rc == 0 && i < sizeof texts / sizeof texts[0]; i++)
		rc |= json_object_set_new(
		    f, texts[i], json_string(web_str(iv, texts[i]) ? web_str(iv, texts[i]) : ""));
	if (rc == 0 && json_is_true(json_object_get(iv, "recurring")))
		rc |= json_object_set_new(f, "recurring", json_string("ja"));
	snprintf(num, sizeof num, "%lld",
		 (long long)json_integer_value(json_object_get(iv, "progress_percent")));
	rc |= rc == 0 && json_object_set_new(f, "progress_percent", json_string(num));
	/* With a decimal comma, and no trailing zeros ("3,5", "12"). */
	snprintf(num, sizeof num, "%.2f", json_number_value(json_object_get(iv, "hours_spent")));
	n = strlen(num);
	if (n > 3 && strcmp(num + n - 3, ".00") == 0)
		num[n - 3] = '\0';
	else if (n > 1 && num[n - 1] == '0')
		num[n - 1] = '\0';
	if (strchr(num, '.'))
		*strchr(num, '.') = ',';
	rc |= rc == 0 && json_object_set_new(f, "hours_spent", json_string(num));
	if (rc != 0) {
		json_decref(f);
		return NULL;
	}
	return f;
}

static void label(struct html *h, const char *field, const char *text)
{
	html_raw(h, "<label for=\"f-");
	html_raw(h, field);
	html_raw(h, "\">");
	html_txt(h, text);
	html_raw(h, "</label>");
}

static void textarea(struct html *h, json_t *form, json_t *errors, const char *field,
		     const char *text)
{
	label(h, field, text);
	web_field_error(h, errors, field);
	html_raw(h, "<textarea id=\"f-");
	html_raw(h, field);
	html_raw(h, "\" name=\"");
	html_raw(h, field);
	html_raw(h, "\" rows=\"4\"");
	web_field_aria(h, errors, field);
	html_raw(h, ">");
	html_txt(h, web_str(form, field));
	html_raw(h, "</textarea>");
}

static void option(struct html *h, const char *value, const char *chosen)
{
	html_raw(h, "<option value=\"");
	html_attr(h, value);
	html_raw(h, "\"");
	if (chosen && value && strcmp(chosen, value) == 0)
		html_raw(h, " selected");
	html_raw(h, ">");
}

static void select_begin(struct html *h, json_t *errors, const char *field, const char *text)
{
	label(h, field, text);
	web_field_error(h, errors, field);
	html_raw(h, "<select id=\"f-");
	html_raw(h, field);
	html_raw(h, "\" name=\"");
	html_raw(h, field);
	html_raw(h, "\"");
	web_field_aria(h, errors, field);
	html_raw(h, ">");
}

/* A select of a vocabulary's words ("a|b|c"), in Swedish. */
static void vocab_select(struct html *h, json_t *form, json_t *errors, const char *field,
			 const char *text, const char *choices, const char *(*word)(const char *))
{
	char c[64];

	select_begin(h, errors, field, text);
	snprintf(c, sizeof c, "%s", choices);
	for (char *s = c, *bar; s; s = bar ? bar + 1 : NULL) {
		bar = strchr(s, '|');
		if (bar)
			*bar = '\0';
		option(h, s, web_str(form, field));
		html_txt(h, word(s));
		html_raw(h, "</option>");
	}
	html_raw(h, "</select>");
}

static int by_name(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;

	return strcoll(x[1], y[1]);
}

/* The organisations, by name. */
static void org_select(struct html *h, json_t *form, json_t *errors, json_t *names)
{
	size_t n = json_object_size(names), k = 0;
	const char *(*pairs)[2] = calloc(n ? n : 1, sizeof *pairs);
	const char *slug;
	json_t *v;

	select_begin(h, errors, "responsible_organisation", "Ansvarig organisation");
	option(h, "", web_str(form, "responsible_organisation"));
	html_raw(h, "Välj organisation</option>");
	if (!pairs) {
		h->oom = true;
		return;
	}
	json_object_foreach (names, slug, v) {
		pairs[k][0] = slug;
		pairs[k++][1] = json_string_value(v) ? json_string_value(v) : slug;
	}
	qsort(pairs, k, sizeof *pairs, by_name);
	for (size_t i = 0; i < k; i++) {
		option(h, pairs[i][0], web_str(form, "responsible_organisation"));
		html_txt(h, pairs[i][1]);
		html_raw(h, "</option>");
	}
	free(pairs);
	html_raw(h, "</select>");
}

static void focus_select(struct html *h, json_t *form, json_t *errors, json_t *areas)
{
	json_t *fa;
	size_t i;

	select_begin(h, errors, "focus_area", "Fokusområde");
	option(h, "", web_str(form, "focus_area"));
	html_raw(h, "Välj fokusområde</option>");
	json_array_foreach (areas, i, fa) {
		option(h, web_str(fa, "id"), web_str(form, "focus_area"));
		html_long(h, (long)json_integer_value(json_object_get(fa, "ordinal")));
		html_raw(h, ". ");
		html_txt(h, web_str(fa, "title"));
		html_raw(h, "</option>");
	}
	html_raw(h, "</select>");
}

static void form_page(struct req *r, json_t *plan, json_t *more, json_t *iv, const char *etag)
{
	struct html h = { 0 };
	bool edit = r->web.view == IV_EDIT;
	json_t *shown = r->web.form ? json_incref(r->web.form) : iv ? form_of(iv) : NULL;
	json_t *errors = r->web.errors;
	const char *version = web_str(shown, "version") ? web_str(shown, "version") : etag;

	if (!shown && !iv)
		shown = json_pack("{s:s, s:s, s:s, s:s}", "status", "planned", "rag", "green",
				  "progress_percent", "0", "hours_spent", "0");
	if (!shown) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	page_begin(&h, r, edit ? "Redigera insats" : "Lägg till insats", "/atgardsplaner");
	html_raw(&h, "<p class=\"crumbs noprint\"><a href=\"/atgardsplaner\">Alla åtgärdsplaner"
		     "</a> › <a href=\"/atgardsplaner/");
	html_attr(&h, r->web.id);
	html_raw(&h, "\">");
	html_txt(&h, web_str(plan, "title"));
	html_raw(&h, "</a>");
	if (edit) {
		html_raw(&h, " › <a href=\"/atgardsplaner/");
		html_attr(&h, r->web.id);
		html_raw(&h, "/insatser/");
		html_attr(&h, r->web.sub);
		html_raw(&h, "\">");
		html_txt(&h, web_str(iv, "title"));
		html_raw(&h, "</a>");
	}
	html_raw(&h, "</p>");
	if (r->web.error) {
		html_raw(&h, "<p class=\"error\" role=\"alert\">");
		html_txt(&h, r->web.error);
		html_raw(&h, "</p>");
	} else if (json_object_size(errors)) {
		html_raw(&h, "<p class=\"error\" role=\"alert\">Insatsen sparades inte. Rätta det "
			     "som anges vid fälten nedan.</p>");
	}
	html_raw(&h, "<p class=\"hint\">Fälten följer Brås mall för åtgärdsplaner: orsak, "
		     "åtgärd, operativt mål, vem som ansvarar och när.</p>"
		     "<form class=\"record\" method=\"post\" action=\"/atgardsplaner/");
	html_attr(&h, r->web.id);
	html_raw(&h, "/insatser/");
	html_attr(&h, edit ? r->web.sub : "ny");
	html_raw(&h, edit ? "/redigera\">" : "\">");
	html_raw(&h, "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(&h, r->web.csrf);
	html_raw(&h, "\">");
	if (edit) {
		html_raw(&h, "<input type=\"hidden\" name=\"version\" value=\"");
		html_attr(&h, version);
		html_raw(&h, "\">");
	}
	web_text_input(&h, shown, errors, "f-", "title", "Insatsens namn",
		       " type=\"text\" required");
	focus_select(&h, shown, errors, json_object_get(more, "focus_areas"));
	textarea(&h, shown, errors, "cause", "Orsak (problem som insatsen ska åtgärda)");
	textarea(&h, shown, errors, "description", "Beskrivning av insatsen (åtgärd)");
	textarea(&h, shown, errors, "operational_goal", "Operativt mål");
	org_select(&h, shown, errors, json_object_get(more, "organisations"));
	web_text_input(&h, shown, errors, "f-", "responsible_role", "Ansvarig roll (vem)",
		       " type=\"text\"");
	web_text_input(&h, shown, errors, "f-", "starts_on", "Startdatum", " type=\"date\"");
	web_text_input(&h, shown, errors, "f-", "due_on", "Slutdatum (när)", " type=\"date\"");
	html_raw(&h, "<label class=\"check\"><input type=\"checkbox\" name=\"recurring\" "
		     "value=\"ja\"");
	html_raw(&h, web_str(shown, "recurring") ? " checked" : "");
	html_raw(&h, "> Löpande, en del av det ordinarie arbetet</label>");
	vocab_select(&h, shown, errors, "status", "Status", VOCAB_INTERVENTION_STATUSES,
		     sv_intervention_status);
	vocab_select(&h, shown, errors, "rag", "Läge", VOCAB_RAGS, sv_rag);
	web_text_input(&h, shown, errors, "f-", "progress_percent", "Framsteg i procent",
		       WEB_NUMERIC);
	web_text_input(&h, shown, errors, "f-", "hours_spent", "Nedlagda timmar", WEB_DECIMAL);
	html_raw(&h, edit ? "<div class=\"buttons\"><button type=\"submit\">Spara ändringarna"
			    "</button></div></form>"
			  : "<div class=\"buttons\"><button type=\"submit\">Lägg till insatsen"
			    "</button></div></form>");
	json_decref(shown);
	page_end(&h);
	web_send(r, r->web.status ? r->web.status : 200, &h);
}

/* ---- the save ------------------------------------------------------------------------- */

static void again(struct req *r, int status, const char *error)
{
	r->web.status = status;
	r->web.error = error;
	intervention_form_start(r, false);
}

static void saved(struct req *r, const struct db_result *res)
{
	const char *text = res->err == SVK_OK ? req_result_text(res, 0) : NULL;
	json_t *doc = text ? json_loads(text, 0, NULL) : NULL;
	const char *msg = res->message ? res->message : "";
	char location[128];
	bool ok = true;

	if (doc && web_str(doc, "id")) {
		snprintf(location, sizeof location, "/atgardsplaner/%s/insatser/%s", r->web.id,
			 web_str(doc, "id"));
		json_decref(doc);
		web_redirect(r, location);
		return;
	}
	json_decref(doc);
	if (res->err == SVK_OK) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
		return;
	}
	if (!svk_sqlstate_is_ours(res->sqlstate)) {
		req_reply_db_error(r, res);
		return;
	}
	switch (res->err) {
	case SVK_ERR_PRECONDITION_FAILED:
		/* The form shows the current version, so that a second save,
		 * after a look at the intervention, is taken. */
		json_object_del(r->web.form, "version");
		again(r, 412,
		      "Någon annan har ändrat insatsen sedan du öppnade formuläret, så dina "
		      "ändringar sparades inte. De står kvar nedan: jämför med insatsen som den är "
		      "nu och spara igen.");
		return;
	case SVK_ERR_CONFLICT:
		again(r, 409,
		      strstr(msg, "adopted")
			  ? "Planen är antagen och kan inte ändras. Börja på planens nästa version "
			    "för att ändra insatserna."
			  : "Planen väntar på styrgruppens beslut och kan inte ändras nu.");
		return;
	case SVK_ERR_NOT_FOUND:
		iv_not_found(r);
		return;
	case SVK_ERR_VALIDATION:
		if (res->column && strcmp(res->column, "focus_area") == 0)
			ok = web_set_error(r, "focus_area",
					   "Fokusområdet hör inte till planens avtal. Välj ett i "
					   "listan.");
		else if (res->column && strcmp(res->column, "due_on") == 0)
			ok = web_set_error(r, "due_on",
					   "Slutdatumet får inte ligga före startdatumet.");
		else if (res->column && strcmp(res->column, "responsible_organisation") == 0)
			ok = web_set_error(r, "responsible_organisation",
					   "Organisationen finns inte. Välj en i listan.");
		else
			ok = web_set_error(r, "title", "Insatsen kunde inte sparas.");
		if (!ok) {
			req_problem(r, SVK_ERR_INTERNAL, "out of memory");
			return;
		}
		again(r, 422, NULL);
		return;
	default:
		req_reply_db_error(r, res);
	}
}

/* The form as the API's body; NULL when out of memory. A number that is
 * not one is an error beside its field. */
static json_t *body_of(struct req *r)
{
	static const char *const strings[] = {
		"title", "focus_area",  "responsible_organisation", "responsible_role",
		"cause", "description", "operational_goal",         "status",
		"rag"
	};
	static const char *const dates[] = { "starts_on", "due_on" };
	json_t *form = r->web.form, *body = json_object();
	int rc = !body, k;

	for (size_t i = 0; rc == 0 && i < sizeof strings / sizeof strings[0]; i++)
		rc |= json_object_set_new(
		    body, strings[i],
		    json_string(web_str(form, strings[i]) ? web_str(form, strings[i]) : ""));
	/* An empty date is none. */
	for (size_t i = 0; rc == 0 && i < 2; i++)
		rc |= json_object_set_new(body, dates[i],
					  web_str(form, dates[i]) && web_str(form, dates[i])[0]
					      ? json_string(web_str(form, dates[i]))
					      : json_null());
	rc |= rc == 0 && json_object_set_new(body, "recurring",
					     json_boolean(web_str(form, "recurring") != NULL));
	if (rc == 0) {
		k = iv_number(body, "progress_percent", web_str(form, "progress_percent"), true);
		rc |= k == -2 || (k == -1 && !web_set_error(r, "progress_percent",
							    invalid_text("progress_percent")));
		k = iv_number(body, "hours_spent", web_str(form, "hours_spent"), false);
		rc |= k == -2 ||
		      (k == -1 && !web_set_error(r, "hours_spent", invalid_text("hours_spent")));
	}
	if (rc != 0) {
		json_decref(body);
		return NULL;
	}
	return body;
}

static void save(struct req *r)
{
	bool edit = r->web.view == IV_EDIT;
	const char *version = web_str(r->web.form, "version"), *text;
	json_t *body = body_of(r);

	const struct web_check check = {
		edit ? intervention_patch_fields : intervention_create_fields,
		edit ? intervention_patch_fields_count : intervention_create_fields_count,
		NULL,
		invalid_text,
		"title",
		"Formuläret kunde inte sparas.",
	};

	if (!body || !web_check_body(r, body, &check)) {
		json_decref(body);
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	if (r->web.errors) {
		json_decref(body);
		again(r, 422, NULL);
		return;
	}
	text = web_body_text(r, body);
	if (!text)
		return;
	if (edit) {
		const char *p[4] = { r->auth.actor.user_id, r->web.sub, text,
				     version && version[0] ? version : NULL };
		req_write1(r, SQL_INTERVENTION_PATCH, 4, p, saved);
	} else {
		const char *p[3] = { r->auth.actor.user_id, r->web.id, text };
		req_write1(r, SQL_INTERVENTION_CREATE, 3, p, saved);
	}
}

/* ---- the reads ------------------------------------------------------------------------ */

static json_t *result_json(const struct db_result *res, int i)
{
	const char *text = req_result_text(res, i);

	return text ? json_loads(text, 0, NULL) : NULL;
}

static void loaded(struct req *r, const struct db_result *res, bool posted)
{
	json_t *plan, *more, *iv = NULL;
	const char *iv_text = NULL;
	char etag[33] = "";

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	plan = result_json(res, 0);
	more = result_json(res, 1);
	if (r->web.view == IV_EDIT) {
		iv_text = req_result_text(res, 2);
		iv = iv_text ? json_loads(iv_text, 0, NULL) : NULL;
	}
	if (!plan || !more) {
		web_message(r, 404, "Åtgärdsplanen finns inte",
			    "Det finns ingen åtgärdsplan med den adressen. Välj Åtgärdsplaner i "
			    "menyn för att se planerna.");
	} else if (r->web.view == IV_EDIT &&
		   (!iv || !web_str(iv, "action_plan") ||
		    strcasecmp(web_str(iv, "action_plan"), r->web.id) != 0)) {
		iv_not_found(r);
	} else if (!posted && web_str(plan, "status") &&
		   strcmp(web_str(plan, "status"), "adopted") == 0) {
		web_message(r, r->web.status ? r->web.status : 409, "Planen är antagen",
			    "Planen är antagen och kan inte ändras. Börja på planens nästa version "
			    "för att ändra insatserna.");
	} else if (posted) {
		save(r);
	} else {
		if (iv_text)
			etag_of(iv_text, etag);
		form_page(r, plan, more, iv, etag);
	}
	json_decref(plan);
	json_decref(more);
	json_decref(iv);
}

static void loaded_get(struct req *r, const struct db_result *res)
{
	loaded(r, res, false);
}

static void loaded_post(struct req *r, const struct db_result *res)
{
	loaded(r, res, true);
}

void intervention_form_start(struct req *r, bool posted)
{
	struct db_call calls[3] = {
		{ .stmt = SQL_PLAN_GET, .nparams = 1, .params = { r->web.id } },
		{ .stmt = SQL_WEB_PLAN, .nparams = 1, .params = { r->web.id } },
		{ .stmt = SQL_INTERVENTION_GET, .nparams = 1, .params = { r->web.sub } },
	};

	req_db(r, calls, r->web.view == IV_EDIT ? 3 : 2, posted ? loaded_post : loaded_get);
}
