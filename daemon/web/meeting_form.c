/*
 * Möten's form (POST /moten): a meeting recorded as POST /v1/meetings
 * records it. The form becomes the API's body (decisions and focus places
 * one a line), which meets the same field checks (meeting_fields), the
 * same privacy guard, the same policy (ACT_RECORD_MEETING for the chosen
 * group) and the same statement, svk.meeting_create, which writes the
 * meeting and its audit entry. A refusal is audited as the API's is
 * (request.refused, naming the page's pattern) and the page is shown
 * again with what the user typed and the error next to the field it names;
 * a meeting recorded answers 303 to the list, which shows it. A form
 * without the session's form token, or from another origin, is refused
 * with 403 before anything is read or written.
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "app.h"
#include "log.h"
#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "web_internal.h"

#define PATTERN "POST /moten"

static const char *const field_names[] = { "group",   "held_on",   "attendees",
					   "minutes", "decisions", "focus_places" };

/* What a field's error says, by the API's field (its root, "decisions"
 * for "decisions[2]"). */
static const char *invalid_text(const char *field)
{
	static const char *const map[][2] = {
		{ "group", "Välj den grupp som mötet hölls i." },
		{ "held_on", "Ange vilken dag mötet hölls." },
		{ "attendees", "Välj de närvarande organisationerna i listan." },
		{ "minutes", "Anteckningarna är för långa: de får vara högst 20 000 tecken." },
		{ "decisions", "Högst 100 beslut, vart och ett på högst 2 000 tecken." },
		{ "focus_places", "Högst 100 fokusplatser, var och en på högst 200 tecken." },
	};
	return WEB_WORD(map, field);
}

/* The field of the form that an API field path ("decisions[1]") names. */
static const char *form_field(const char *path)
{
	for (size_t i = 0; path && i < sizeof field_names / sizeof field_names[0]; i++) {
		size_t n = strlen(field_names[i]);

		if (strncmp(path, field_names[i], n) == 0 &&
		    (path[n] == '\0' || path[n] == '[' || path[n] == '.'))
			return field_names[i];
	}
	return NULL;
}

/* Shows the page again with the form as sent and its errors. */
static void show_again(struct req *r, int status)
{
	r->web.status = status;
	if (!policy_check(&r->auth.actor.p, ACT_READ_SHARED, NULL, NULL)) {
		web_message(r, status, "Mötet registrerades inte",
			    r->web.error ? r->web.error : "Mötet kunde inte registreras.");
		return;
	}
	meetings_load(r, NULL, NULL, NULL);
}

static void refusal_audited(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK)
		log_warn(&r->w->app->log, "msg=\"cannot audit refusal\" id=%s", r->id);
	show_again(r, 403);
}

/* ---- the write ------------------------------------------------------------------ */

static void recorded(struct req *r, const struct db_result *res)
{
	const char *text = res->err == SVK_OK ? req_result_text(res, 0) : NULL;
	json_t *doc = text ? json_loads(text, 0, NULL) : NULL;
	char location[96];
	bool ok;

	if (doc) {
		snprintf(location, sizeof location, "/moten?registrerat=%s", web_str(doc, "id"));
		json_decref(doc);
		web_redirect(r, location);
		return;
	}
	if (res->err == SVK_OK) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
		return;
	}
	if (!svk_sqlstate_is_ours(res->sqlstate) ||
	    (res->err != SVK_ERR_CONFLICT && res->err != SVK_ERR_VALIDATION)) {
		req_reply_db_error(r, res);
		return;
	}
	if (res->err == SVK_ERR_CONFLICT)
		ok = web_set_error(
		    r, "held_on",
		    "Ett möte för gruppen den dagen är redan registrerat. Välj en annan "
		    "dag eller en annan grupp.");
	else if (res->column && strcmp(res->column, "group") == 0)
		ok = web_set_error(r, "group", "Gruppen finns inte. Välj en grupp i listan.");
	else if (res->column && strcmp(res->column, "held_on") == 0)
		ok = web_set_error(r, "held_on", "Datumet får inte ligga i framtiden.");
	else if (res->detail && strstr(res->detail, "attendees"))
		ok = web_set_error(r, "attendees",
				   "En av de valda organisationerna finns inte. Välj i listan.");
	else
		ok = web_set_error(r, "group", "Mötet kunde inte registreras.");
	if (!ok) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	show_again(r, res->err == SVK_ERR_CONFLICT ? 409 : 422);
}

/* One entry a non-empty line of text, as an array; NULL when out of memory. */
static json_t *lines_of(const char *text)
{
	json_t *a = json_array();

	while (a && text && *text) {
		size_t n = strcspn(text, "\n");
		size_t b = 0, e = n;

		while (b < e && (text[b] == ' ' || text[b] == '\t' || text[b] == '\r'))
			b++;
		while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
			e--;
		if (e > b && json_array_append_new(a, json_stringn(text + b, e - b)) != 0) {
			json_decref(a);
			return NULL;
		}
		text += n + (text[n] == '\n');
	}
	return a;
}

/* The form as the API's body; NULL when out of memory. */
static json_t *meeting_body(json_t *form)
{
	json_t *body = json_object(), *v;
	const char *group = web_str(form, "group"), *held_on = web_str(form, "held_on");
	int rc = 0;

	if (!body)
		return NULL;
	if (group && group[0])
		rc |= json_object_set_new(body, "group", json_string(group));
	if (held_on && held_on[0])
		rc |= json_object_set_new(body, "held_on", json_string(held_on));
	v = json_object_get(form, "attendees");
	rc |= json_object_set_new(body, "attendees", v ? json_copy(v) : json_array());
	rc |= json_object_set_new(body, "minutes", json_string(web_str(form, "minutes")));
	rc |= json_object_set_new(body, "decisions", lines_of(web_str(form, "decisions")));
	rc |= json_object_set_new(body, "focus_places", lines_of(web_str(form, "focus_places")));
	if (rc != 0) {
		json_decref(body);
		return NULL;
	}
	return body;
}

static void meeting_authenticated(struct req *r, const struct db_result *read)
{
	struct policy_target t = { 0 };
	const char *why = NULL, *text;
	json_t *body;

	(void)read;
	if (!web_form_token_ok(r))
		return;
	body = meeting_body(r->web.form);
	if (!body || !web_check_body(r, body,
				     &(struct web_check){ meeting_fields, meeting_fields_count,
							  form_field, invalid_text, "group",
							  "Mötet kunde inte registreras." })) {
		json_decref(body);
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	if (r->web.errors) {
		json_decref(body);
		show_again(r, 422);
		return;
	}
	t.group = web_str(body, "group");
	if (!policy_check(&r->auth.actor.p, ACT_RECORD_MEETING, &t, &why)) {
		const char *p[3] = { r->auth.actor.user_id, PATTERN, why ? why : "forbidden" };

		r->web.error =
		    "Du har inte behörighet att registrera möten för den gruppen. Du kan "
		    "registrera möten för grupper du är med i.";
		json_decref(body);
		if (!web_set_error(r, "group", r->web.error)) {
			req_problem(r, SVK_ERR_INTERNAL, "out of memory");
			return;
		}
		req_db1(r, SQL_AUDIT_REFUSAL, 3, p, refusal_audited);
		return;
	}
	text = web_body_text(r, body);
	if (!text)
		return;
	const char *p[2] = { r->auth.actor.user_id, text };
	req_write1(r, SQL_MEETING_CREATE, 2, p, recorded);
}

void web_meeting_post(struct req *r)
{
	struct evkeyvalq f;
	struct evkeyval *kv;
	json_t *form, *attendees;
	int rc = 0;

	if (!web_form_open(r, &f))
		return;
	form = r->web.form = json_object();
	attendees = json_array();
	if (!form || !attendees) {
		json_decref(attendees);
		attendees = NULL;
		rc = 1;
	}
	rc |= rc == 0 && json_object_set_new(form, "attendees", attendees) != 0;
	for (size_t i = 0; rc == 0 && i < sizeof field_names / sizeof field_names[0]; i++)
		if (strcmp(field_names[i], "attendees") != 0)
			rc |= json_object_set_new(
			    form, field_names[i],
			    web_form_text(evhttp_find_header(&f, field_names[i])));
	TAILQ_FOREACH (kv, &f, next)
		if (rc == 0 && strcmp(kv->key, "attendees") == 0)
			rc |= json_array_append_new(attendees, web_form_text(kv->value));
	evhttp_clear_headers(&f);
	if (rc != 0) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	web_authenticate(r, meeting_authenticated);
}
