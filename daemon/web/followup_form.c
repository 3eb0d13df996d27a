/*
 * Uppföljning's form (GET|POST /uppfoljning/{year}/redigera): the three
 * texts and the oral line, edited as the CLI's `followup edit` edits them,
 * through PUT /v1/agreements/{id}/follow-ups/{year}'s checks: the same
 * right (ACT_EDIT_FOLLOWUP: the beredningsgrupp and the styrgrupp), the
 * same fields (follow_up_fields), the same privacy guard and the same SQL
 * function, svk.follow_up_put, with its audit entry, its refusal of an
 * adopted follow-up or one awaiting the styrgrupp's decision, and its
 * If-Match: the form carries the version it was read at, so that an edit
 * made meanwhile by someone else is not overwritten unseen. A refusal
 * shows the form again with what the user typed and the error next to
 * its field; a save answers 303 to the year's page. A form without the
 * session's form token, or from another origin, is refused with 403
 * before anything is read or written; so is one from a user who may only
 * read (audited as the API's refusal).
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "validate.h"
#include "vocab.h"
#include "web_internal.h"

#define PATTERN "POST /uppfoljning/{}/redigera"

static const char *const keys[3] = { VOCAB_FOLLOWUP_KEY_1, VOCAB_FOLLOWUP_KEY_2,
				     VOCAB_FOLLOWUP_KEY_3 };
static const char *const headings[3] = { VOCAB_FOLLOWUP_HEADING_1, VOCAB_FOLLOWUP_HEADING_2,
					 VOCAB_FOLLOWUP_HEADING_3 };

/* ---- the form's page ------------------------------------------------------------- */

static void edit_page(struct req *r, json_t *doc, const char *etag)
{
	struct html h = { 0 };
	json_t *form = r->web.form, *errors = r->web.errors;
	const char *version = form && web_str(form, "version") ? web_str(form, "version") : etag;
	bool oral = json_is_true(json_object_get(form ? form : doc, "oral"));
	char title[64];

	snprintf(title, sizeof title, "Redigera uppföljning %s", r->web.sub);
	page_begin(&h, r, title, "/uppfoljning");
	html_raw(&h, "<p class=\"crumbs\"><a href=\"/uppfoljning/");
	html_attr(&h, r->web.sub);
	html_raw(&h, "\">Tillbaka till uppföljningen ");
	html_txt(&h, r->web.sub);
	html_raw(&h, "</a></p>");
	if (r->web.error) {
		html_raw(&h, "<p class=\"error\" role=\"alert\">");
		html_txt(&h, r->web.error);
		html_raw(&h, "</p>");
	} else if (json_object_size(errors)) {
		html_raw(&h,
			 "<p class=\"error\" role=\"alert\">Texterna sparades inte. Rätta det som "
			 "anges vid fälten nedan.</p>");
	}
	html_raw(&h, "<p class=\"hint\">Statistiken räknas fram ur Samverkans data och skrivs "
		     "inte här. Texterna sparas som ett utkast tills styrgruppen antar "
		     "uppföljningen.</p><form class=\"record followup\" method=\"post\" action=\""
		     "/uppfoljning/");
	html_attr(&h, r->web.sub);
	html_raw(&h, "/redigera\"><input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(&h, r->web.csrf);
	html_raw(&h, "\"><input type=\"hidden\" name=\"agreement\" value=\"");
	html_attr(&h, r->web.id);
	html_raw(&h, "\"><input type=\"hidden\" name=\"version\" value=\"");
	html_attr(&h, version);
	html_raw(&h, "\">");
	for (int i = 0; i < 3; i++) {
		html_raw(&h, "<label for=\"f-");
		html_raw(&h, keys[i]);
		html_raw(&h, "\">");
		html_long(&h, i + 1);
		html_raw(&h, ". ");
		html_txt(&h, headings[i]);
		html_raw(&h, "</label>");
		web_field_error(&h, errors, keys[i]);
		html_raw(&h, "<textarea id=\"f-");
		html_raw(&h, keys[i]);
		html_raw(&h, "\" name=\"");
		html_raw(&h, keys[i]);
		html_raw(&h, "\" rows=\"10\"");
		web_field_aria(&h, errors, keys[i]);
		html_raw(&h, ">");
		html_txt(&h, web_str(form ? form : doc, keys[i]));
		html_raw(&h, "</textarea>");
	}
	html_raw(&h, "<label class=\"check\"><input type=\"checkbox\" name=\"oral\" value=\"ja\"");
	html_raw(&h, oral ? " checked" : "");
	html_raw(&h, "> Uppföljningen har även skett muntligt</label><div class=\"buttons\">"
		     "<button type=\"submit\">Spara texterna</button></div></form>");
	page_end(&h);
	web_send(r, r->web.status ? r->web.status : 200, &h);
}

static void edit_loaded(struct req *r, const struct db_result *res)
{
	const PGresult *pr = res->n > 0 ? res->res[0] : NULL;
	const char *text, *etag;
	json_t *doc;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	text = pr && PQntuples(pr) == 1 ? db_get(pr, 0, 0) : NULL;
	etag = text ? db_get(pr, 0, 1) : NULL;
	doc = text ? json_loads(text, 0, NULL) : NULL;
	if (!doc || !etag) {
		json_decref(doc);
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
		return;
	}
	if (web_str(doc, "status") && strcmp(web_str(doc, "status"), "draft") != 0) {
		json_decref(doc);
		web_message(r, 409, "Uppföljningen är antagen",
			    "Uppföljningen är antagen av styrgruppen och kan inte längre ändras.");
		return;
	}
	edit_page(r, doc, etag);
	json_decref(doc);
}

void followup_edit_load(struct req *r)
{
	const char *p[3] = { r->web.id, r->web.sub,
			     r->auth.actor.p.organisation_party ? "t" : "f" };

	req_db1(r, SQL_FOLLOW_UP_GET, 3, p, edit_loaded);
}

/* ---- the post ------------------------------------------------------------------------- */

static void again(struct req *r, int status, const char *error)
{
	r->web.status = status;
	r->web.error = error;
	followup_reload(r);
}

static void saved(struct req *r, const struct db_result *res)
{
	char location[64];

	if (res->err == SVK_OK) {
		snprintf(location, sizeof location, "/uppfoljning/%s", r->web.sub);
		web_redirect(r, location);
		return;
	}
	if (!svk_sqlstate_is_ours(res->sqlstate)) {
		req_reply_db_error(r, res);
		return;
	}
	if (res->err == SVK_ERR_PRECONDITION_FAILED) {
		/* The form shows the current version's number, so that a second
		 * save, after a look at the page, is taken. */
		json_object_del(r->web.form, "version");
		again(r, 412,
		      "Någon annan har ändrat uppföljningen sedan du öppnade formuläret, så dina "
		      "texter sparades inte. De står kvar nedan: jämför med uppföljningen som den "
		      "är nu och spara igen.");
	} else if (res->err == SVK_ERR_CONFLICT && res->message && strstr(res->message, "awaits")) {
		again(r, 409,
		      "Uppföljningen väntar på styrgruppens beslut och kan inte ändras nu. Dra "
		      "tillbaka förslaget, eller låt det återremitteras, för att ändra texterna.");
	} else if (res->err == SVK_ERR_CONFLICT) {
		again(r, 409, "Uppföljningen är antagen och kan inte längre ändras.");
	} else if (res->err == SVK_ERR_NOT_FOUND || res->err == SVK_ERR_VALIDATION) {
		web_message(r, 404, "Ingen uppföljning för året",
			    "Avtalet gäller inte det året, eller finns inte.");
	} else {
		req_reply_db_error(r, res);
	}
}

/* The error of one of the three texts: the only check the API's field
 * table makes of them is their length. */
static const char *invalid_text(const char *field)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(field, keys[i]) == 0)
			return "Texten är för lång: den får vara högst 50 000 tecken.";
	return NULL;
}

static void post_authenticated(struct req *r, const struct db_result *read)
{
	const char *agreement = web_str(r->web.form, "agreement"), *version, *text;
	json_t *body;

	(void)read;
	if (!web_form_token_ok(r))
		return;
	web_csrf_of(r->web.token, r->web.csrf);
	if (!followup_allowed(r, ACT_EDIT_FOLLOWUP, PATTERN))
		return;
	if (!agreement || !validate_uuid(agreement)) {
		web_message(r, 404, "Ingen uppföljning", "Formuläret angav inget giltigt avtal.");
		return;
	}
	body = json_pack("{s:O, s:O, s:O, s:O}", keys[0], json_object_get(r->web.form, keys[0]),
			 keys[1], json_object_get(r->web.form, keys[1]), keys[2],
			 json_object_get(r->web.form, keys[2]), "oral",
			 json_object_get(r->web.form, "oral"));
	if (!body || !web_check_body(r, body,
				     &(struct web_check){ follow_up_fields, follow_up_fields_count,
							  NULL, invalid_text, keys[0],
							  "Texterna kunde inte sparas." })) {
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
	version = web_str(r->web.form, "version");
	const char *p[5] = { r->auth.actor.user_id, agreement, r->web.sub, text,
			     version && version[0] ? version : NULL };
	req_write1(r, SQL_FOLLOW_UP_PUT, 5, p, saved);
}

void web_followup_post(struct req *r)
{
	static const char *const hidden[] = { "agreement", "version" };
	struct evkeyvalq f;
	int rc = 0;

	if (!web_form_open(r, &f))
		return;
	r->web.form = json_object();
	rc |= !r->web.form;
	for (int i = 0; rc == 0 && i < 3; i++)
		rc |= json_object_set_new(r->web.form, keys[i],
					  web_form_text(evhttp_find_header(&f, keys[i])));
	for (size_t i = 0; rc == 0 && i < 2; i++)
		rc |= json_object_set_new(r->web.form, hidden[i],
					  web_form_text(evhttp_find_header(&f, hidden[i])));
	if (rc == 0)
		rc |= json_object_set_new(r->web.form, "oral",
					  json_boolean(evhttp_find_header(&f, "oral") != NULL));
	evhttp_clear_headers(&f);
	if (rc != 0) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	web_authenticate(r, post_authenticated);
}
