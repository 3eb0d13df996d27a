/*
 * The paths of an intervention's forms (the router), what the forms share
 * (a form's fields as typed, its errors, numbers written the Swedish way,
 * the API's checks, an audited refusal) and the form "Logga en
 * uppdatering" on the intervention's page (POST
 * /atgardsplaner/{plan}/insatser/{id}/uppdateringar), which logs an update
 * as POST /v1/interventions/{id}/updates does: the same right
 * (ACT_UPDATE_INTERVENTION: members of the responsible organisation, or
 * the beredningsgrupp and up), checked first by the policy and then by
 * svk.intervention_log under the intervention's lock, the same fields
 * (intervention_update_fields), the same privacy guard, the same audit.
 * The add and edit forms are in intervention_form.c.
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include "app.h"
#include "log.h"
#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "validate.h"
#include "vocab.h"
#include "web_internal.h"

#define LOG_PATTERN "POST /atgardsplaner/{}/insatser/{}/uppdateringar"

/* ---- what the forms share --------------------------------------------------------- */

int iv_number(json_t *body, const char *key, const char *text, bool integer)
{
	char buf[64], *end;
	size_t n = text ? strlen(text) : 0;
	double d;
	long v;

	while (n > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		n--;
	}
	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	if (n == 0)
		return 0;
	if (n >= sizeof buf)
		return -1;
	/* Swedish writes a decimal comma. */
	for (size_t i = 0; i < n; i++)
		buf[i] = text[i] == ',' ? '.' : text[i];
	buf[n] = '\0';
	if (integer) {
		v = strtol(buf, &end, 10);
		if (end == buf || *end)
			return -1;
		return json_object_set_new(body, key, json_integer(v)) == 0 ? 1 : -2;
	}
	d = strtod(buf, &end);
	/* JSON has no infinity and no NaN: they are not numbers here either. */
	if (end == buf || *end || !isfinite(d))
		return -1;
	return json_object_set_new(body, key, json_real(d)) == 0 ? 1 : -2;
}

static void refusal_audited(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK)
		log_warn(&r->w->app->log, "msg=\"cannot audit refusal\" id=%s", r->id);
	req_problem(r, SVK_ERR_FORBIDDEN, r->refusal);
}

void iv_refuse(struct req *r, const char *pattern, const char *why)
{
	snprintf(r->refusal, sizeof r->refusal, "%s", why ? why : "forbidden");
	const char *p[3] = { r->auth.actor.user_id, pattern, r->refusal };
	req_db1(r, SQL_AUDIT_REFUSAL, 3, p, refusal_audited);
}

bool iv_allowed(struct req *r, enum policy_action action, const struct policy_target *t,
		const char *pattern)
{
	const char *why = NULL;

	if (policy_check(&r->auth.actor.p, action, t, &why))
		return true;
	iv_refuse(r, pattern, why);
	return false;
}

void iv_not_found(struct req *r)
{
	web_message(r, 404, "Insatsen finns inte",
		    "Det finns ingen insats med den adressen. Välj Åtgärdsplaner i menyn för att "
		    "se planerna och deras insatser.");
}

/* ---- the form on the intervention's page -------------------------------------------- */

bool intervention_may_log(struct req *r, json_t *iv)
{
	const struct policy_target t = { .organisation = web_str(iv, "responsible_organisation") };

	return policy_check(&r->auth.actor.p, ACT_UPDATE_INTERVENTION, &t, NULL);
}

static void choice(struct html *h, const char *value, const char *word, const char *chosen)
{
	html_raw(h, "<option value=\"");
	html_attr(h, value);
	html_raw(h, "\"");
	if (chosen && strcmp(chosen, value) == 0)
		html_raw(h, " selected");
	html_raw(h, ">");
	html_txt(h, word);
	html_raw(h, "</option>");
}

static void status_select(struct html *h, json_t *form, json_t *errors, const char *field,
			  const char *label, const char *none, const char *choices)
{
	char c[64];
	const char *chosen = web_str(form, field);

	html_raw(h, "<label for=\"u-");
	html_raw(h, field);
	html_raw(h, "\">");
	html_txt(h, label);
	html_raw(h, "</label>");
	web_field_error(h, errors, field);
	html_raw(h, "<select id=\"u-");
	html_raw(h, field);
	html_raw(h, "\" name=\"");
	html_raw(h, field);
	html_raw(h, "\"");
	web_field_aria(h, errors, field);
	html_raw(h, ">");
	choice(h, "", none, chosen);
	snprintf(c, sizeof c, "%s", choices);
	for (char *s = c, *bar; s; s = bar ? bar + 1 : NULL) {
		bar = strchr(s, '|');
		if (bar)
			*bar = '\0';
		choice(h, s, strcmp(field, "rag") == 0 ? sv_rag(s) : sv_intervention_status(s),
		       chosen);
	}
	html_raw(h, "</select>");
}

void intervention_log_form(struct html *h, struct req *r, json_t *iv)
{
	json_t *form = r->web.form, *errors = r->web.errors;

	if (!intervention_may_log(r, iv))
		return;
	html_raw(h, "<section class=\"noprint\" aria-labelledby=\"h-logga\"><h2 id=\"h-logga\">"
		    "Logga en uppdatering</h2>");
	if (r->web.error) {
		html_raw(h, "<p class=\"error\" role=\"alert\">");
		html_txt(h, r->web.error);
		html_raw(h, "</p>");
	} else if (json_object_size(errors)) {
		html_raw(h, "<p class=\"error\" role=\"alert\">Uppdateringen loggades inte. Rätta "
			    "det som anges vid fälten nedan.</p>");
	}
	html_raw(h, "<form class=\"record\" method=\"post\" action=\"/atgardsplaner/");
	html_attr(h, r->web.id);
	html_raw(h, "/insatser/");
	html_attr(h, r->web.sub);
	html_raw(h, "/uppdateringar\"><input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(h, r->web.csrf);
	html_raw(h, "\"><label for=\"u-note\">Vad har hänt?</label>");
	web_field_error(h, errors, "note");
	html_raw(h, "<textarea id=\"u-note\" name=\"note\" rows=\"4\" required");
	web_field_aria(h, errors, "note");
	html_raw(h, ">");
	html_txt(h, web_str(form, "note"));
	html_raw(h, "</textarea>");
	status_select(h, form, errors, "status", "Ny status", "Oförändrad",
		      VOCAB_INTERVENTION_STATUSES);
	status_select(h, form, errors, "rag", "Nytt läge", "Oförändrat", VOCAB_RAGS);
	web_text_input(h, form, errors, "u-", "progress_percent",
		       "Framsteg i procent (tomt: oförändrat)", WEB_NUMERIC);
	web_text_input(h, form, errors, "u-", "hours", "Timmar sedan förra uppdateringen",
		       WEB_DECIMAL);
	html_raw(h, "<label class=\"check\"><input type=\"checkbox\" name=\"communicated\" "
		    "value=\"ja\"");
	html_raw(h, web_str(form, "communicated") ? " checked" : "");
	html_raw(h, "> Insatsen har kommunicerats</label>");
	web_text_input(h, form, errors, "u-", "channel", "Kanal (till exempel intranätet)",
		       " type=\"text\"");
	html_raw(h, "<div class=\"buttons\"><button type=\"submit\">Logga uppdateringen</button>"
		    "</div></form></section>");
}

/* ---- its post ------------------------------------------------------------------------ */

static const char *log_text(const char *field)
{
	static const char *const map[][2] = {
		{ "note", "Skriv vad som har hänt, högst 4 000 tecken." },
		{ "status", "Välj en status i listan." },
		{ "rag", "Välj ett läge i listan." },
		{ "progress_percent", "Ange framsteget som ett heltal från 0 till 100." },
		{ "hours", "Ange timmarna som ett tal från 0 till 100 000." },
		{ "channel", "Kanalen får vara högst 200 tecken." },
	};
	return WEB_WORD(map, field);
}

/* The intervention's page again, the form as typed and its errors. */
static void log_again(struct req *r, int status)
{
	r->web.status = status;
	web_intervention_get(r);
}

static void logged(struct req *r, const struct db_result *res)
{
	char location[128];

	if (res->err == SVK_OK) {
		snprintf(location, sizeof location, "/atgardsplaner/%s/insatser/%s", r->web.id,
			 r->web.sub);
		web_redirect(r, location);
		return;
	}
	/* Another organisation's intervention, seen under its lock: audited,
	 * as the API's refusal is. */
	if (res->err == SVK_ERR_FORBIDDEN) {
		iv_refuse(r, LOG_PATTERN, res->message);
		return;
	}
	if (res->err == SVK_ERR_NOT_FOUND) {
		iv_not_found(r);
		return;
	}
	if (!svk_sqlstate_is_ours(res->sqlstate) || res->err != SVK_ERR_VALIDATION) {
		req_reply_db_error(r, res);
		return;
	}
	if (!web_set_error(r, "note", "Uppdateringen kunde inte loggas.")) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	log_again(r, 422);
}

/* The form as the API's body; NULL when out of memory. Numbers that are
 * not numbers are errors beside their fields. */
static json_t *log_body(struct req *r)
{
	json_t *form = r->web.form, *body = json_object();
	static const char *const choices[] = { "status", "rag" };
	int rc = 0, k;

	if (!body)
		return NULL;
	rc |= json_object_set_new(body, "note", json_string(web_str(form, "note")));
	for (size_t i = 0; i < 2; i++)
		if (web_str(form, choices[i]) && web_str(form, choices[i])[0])
			rc |= json_object_set_new(body, choices[i],
						  json_string(web_str(form, choices[i])));
	k = iv_number(body, "progress_percent", web_str(form, "progress_percent"), true);
	rc |= k == -2 ||
	      (k == -1 && !web_set_error(r, "progress_percent", log_text("progress_percent")));
	k = iv_number(body, "hours", web_str(form, "hours"), false);
	rc |= k == -2 || (k == -1 && !web_set_error(r, "hours", log_text("hours")));
	rc |= json_object_set_new(body, "communicated",
				  json_boolean(web_str(form, "communicated") != NULL));
	if (web_str(form, "channel") && web_str(form, "channel")[0])
		rc |= json_object_set_new(body, "channel", json_string(web_str(form, "channel")));
	if (rc != 0) {
		json_decref(body);
		return NULL;
	}
	return body;
}

static void log_write(struct req *r, const struct db_result *read)
{
	const struct policy_actor *a = &r->auth.actor.p;
	const struct policy_target own = { .organisation = a->organisation };
	const struct policy_target other = { .organisation = "" };
	const char *only_org = NULL, *refusal = NULL, *text;
	const char *iv_text = read->err == SVK_OK ? req_result_text(read, 0) : NULL;
	json_t *iv = iv_text ? json_loads(iv_text, 0, NULL) : NULL, *body;
	bool here = iv && web_str(iv, "action_plan") &&
		    strcasecmp(web_str(iv, "action_plan"), r->web.id) == 0;

	json_decref(iv);
	if (read->err != SVK_OK) {
		req_reply_db_error(r, read);
		return;
	}
	if (!here) {
		iv_not_found(r);
		return;
	}
	/* As the API: the policy says whether the actor may log on any
	 * intervention or only on their own organisation's, which
	 * svk.intervention_log checks under the intervention's lock. */
	if (!policy_check(a, ACT_UPDATE_INTERVENTION, &other, &refusal)) {
		if (!iv_allowed(r, ACT_UPDATE_INTERVENTION, &own, LOG_PATTERN))
			return;
		only_org = a->organisation;
	}
	body = log_body(r);
	if (!body ||
	    !web_check_body(r, body,
			    &(struct web_check){ intervention_update_fields,
						 intervention_update_fields_count, NULL, log_text,
						 "note", "Formuläret kunde inte sparas." })) {
		json_decref(body);
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	if (r->web.errors) {
		json_decref(body);
		log_again(r, 422);
		return;
	}
	text = web_body_text(r, body);
	if (!text)
		return;
	const char *p[5] = { r->auth.actor.user_id, r->web.sub, text, only_org, refusal };
	req_write1(r, SQL_UPDATE_CREATE, 5, p, logged);
}

static void log_post(struct req *r)
{
	const char *p[1] = { r->web.sub };

	req_db1(r, SQL_INTERVENTION_GET, 1, p, log_write);
}

/* ---- the router ------------------------------------------------------------------------ */

static const char *const form_keys[] = {
	"title",
	"focus_area",
	"responsible_organisation",
	"responsible_role",
	"cause",
	"description",
	"operational_goal",
	"starts_on",
	"due_on",
	"recurring",
	"status",
	"rag",
	"progress_percent",
	"hours_spent",
	"version",
	"note",
	"hours",
	"communicated",
	"channel",
};

static void authenticated(struct req *r, const struct db_result *read)
{
	bool posted = r->method == M_POST;

	(void)read;
	if (posted && !web_form_token_ok(r))
		return;
	web_csrf_of(r->web.token, r->web.csrf);
	if (r->web.view != IV_LOG &&
	    !iv_allowed(r, ACT_EDIT_PLANS, NULL, iv_pattern(r->web.view, posted)))
		return;
	if (!validate_uuid(r->web.id) || (r->web.view != IV_NEW && !validate_uuid(r->web.sub))) {
		iv_not_found(r);
		return;
	}
	if (r->web.view == IV_LOG)
		log_post(r);
	else
		intervention_form_start(r, posted);
}

/* The fields of the form, as typed, into r->web.form; false after
 * answering. */
static bool read_form(struct req *r)
{
	struct evkeyvalq f;
	struct evkeyval *kv;
	int rc = 0;

	if (!web_form_open(r, &f))
		return false;
	r->web.form = json_object();
	rc |= !r->web.form;
	TAILQ_FOREACH (kv, &f, next)
		for (size_t i = 0; rc == 0 && i < sizeof form_keys / sizeof form_keys[0]; i++)
			if (strcmp(kv->key, form_keys[i]) == 0 &&
			    !json_object_get(r->web.form, kv->key))
				rc |= json_object_set_new(r->web.form, kv->key,
							  web_form_text(kv->value));
	evhttp_clear_headers(&f);
	if (rc != 0) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return false;
	}
	return true;
}

/* Copies the segment at s of n characters into out; false when empty or
 * too long. */
static bool segment(const char *s, size_t n, char *out, size_t outlen)
{
	if (n == 0 || n >= outlen)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

bool web_intervention_form_route(struct req *r)
{
	const char *rest = r->path + 15, *tail; /* after "/atgardsplaner/" */
	size_t n, m;

	if (strncmp(r->path, "/atgardsplaner/", 15) != 0)
		return false;
	n = strcspn(rest, "/");
	if (strncmp(rest + n, "/insatser/", 10) != 0)
		return false;
	tail = rest + n + 10;
	m = strcspn(tail, "/");
	if (strcmp(tail, "ny") == 0) {
		r->web.view = IV_NEW;
	} else if (strcmp(tail + m, "/redigera") == 0) {
		r->web.view = IV_EDIT;
	} else if (strcmp(tail + m, "/uppdateringar") == 0) {
		r->web.view = IV_LOG;
	} else {
		return false;
	}
	if (!segment(rest, n, r->web.id, sizeof r->web.id) ||
	    (r->web.view != IV_NEW && !segment(tail, m, r->web.sub, sizeof r->web.sub))) {
		iv_not_found(r);
		return true;
	}
	if (r->method == M_POST) {
		if (read_form(r))
			web_authenticate(r, authenticated);
	} else if (r->method == M_GET && r->web.view != IV_LOG) {
		web_authenticate(r, authenticated);
	} else {
		evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Allow",
				  r->web.view == IV_LOG ? "POST" : "GET, POST");
		web_message(r, 405, "Fel metod", "Sidan tar inte emot den sortens begäran.");
	}
	return true;
}
