/*
 * Proposals written in the browser: the beredningsgrupp's form for a new
 * proposal of any of the four kinds, for a draft's edit, and its Lämna in
 * and Dra tillbaka buttons (on the proposal's page, proposal_page.c; what they
 * send is taken by proposal_state.c).
 *
 *   GET|POST /forslag/nytt                 the kinds; ?kind=: its form; the new draft
 *   GET|POST /forslag/{id}/redigera        a draft's form; its edit
 *   POST     /forslag/{id}/lamna-in        submit
 *   POST     /forslag/{id}/dra-tillbaka    withdraw
 *
 * Each is the API's call: the same right (ACT_EDIT_PROPOSALS, its refusal
 * audited naming the page's pattern), the same checks of the body
 * (proposal_body_errors), the same privacy guard and the same SQL
 * functions (svk.proposal_create, _patch with the version the form was
 * read at as If-Match, _submit, _withdraw) with their audit entries and
 * refusals. A refused form comes back with what the user typed and each
 * error in Swedish beside its field; a done one answers 303 to the
 * proposal's page. A form without the session's form token, or from
 * another origin, is refused with 403 before anything is read or written.
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonguard.h"
#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "validate.h"
#include "vocab.h"
#include "web_internal.h"

/* The patterns a refusal is audited under (never the path, which holds
 * what was typed into it). */
static const char *pattern_of(const struct req *r)
{
	static const char *const post[] = {
		[PF_NEW] = "POST /forslag/nytt",
		[PF_EDIT] = "POST /forslag/{}/redigera",
		[PF_SUBMIT] = "POST /forslag/{}/lamna-in",
		[PF_WITHDRAW] = "POST /forslag/{}/dra-tillbaka",
	};

	if (r->method != M_POST)
		return r->web.view == PF_EDIT ? "GET /forslag/{}/redigera" : "GET /forslag/nytt";
	return post[r->web.view >= PF_NEW && r->web.view <= PF_WITHDRAW ? r->web.view : PF_NEW];
}

/* The form's single fields, named as the API's body names them. */
static const char *const fields[] = { "kind",          "agreement",      "title",
				      "proposal_text", "background",     "focus_area",
				      "action_plan",   "follow_up_year", "extension_years",
				      "version" };
static const char *const line_fields[] = { "organisation", "description", "amount", "unit" };

static void not_found(struct req *r)
{
	web_message(r, 404, "Förslaget finns inte", "Det finns inget förslag med den adressen.");
}

/* ---- the page's reads ------------------------------------------------------------ */

static void choices_loaded(struct req *r, const struct db_result *res)
{
	const char *text;
	int edit = r->web.view == PF_EDIT;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	if (edit) {
		const PGresult *pr = res->res[1];
		json_t *doc;

		if (PQntuples(pr) != 1) {
			not_found(r);
			return;
		}
		doc = json_loads(db_get(pr, 0, 0), 0, NULL);
		if (!doc) {
			req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
			return;
		}
		r->web.doc = doc;
		if (!r->web.form &&
		    strcmp(web_str(doc, "status") ? web_str(doc, "status") : "", "draft") != 0) {
			web_message(r, 409, "Förslaget kan inte redigeras",
				    "Bara ett utkast kan redigeras. Förslaget är inlämnat eller "
				    "avgjort.");
			return;
		}
		if (!r->web.form && !(r->web.form = proposal_form_of(doc))) {
			req_problem(r, SVK_ERR_INTERNAL, "out of memory");
			return;
		}
		/* After a refusal for a stale version the current one is sent
		 * with the form again, so that a second save is taken. */
		if (!web_str(r->web.form, "version") &&
		    json_object_set_new(r->web.form, "version", json_string(db_get(pr, 0, 1)))) {
			req_problem(r, SVK_ERR_INTERNAL, "out of memory");
			return;
		}
	}
	text = req_result_text(res, 0);
	r->web.more = text ? json_loads(text, 0, NULL) : NULL;
	if (!r->web.more) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
		return;
	}
	proposal_form_page(r);
}

/* Reads what the form offers (and on edit the proposal), then shows it. */
static void form_load(struct req *r)
{
	struct db_call calls[2] = {
		{ .stmt = SQL_WEB_PROPOSAL_CHOICES, .nparams = 0 },
		{ .stmt = SQL_WEB_PROPOSAL_EDIT, .nparams = 1, .params = { r->web.id } },
	};

	req_db(r, calls, r->web.view == PF_EDIT ? 2 : 1, choices_loaded);
}

static void again(struct req *r, int status, const char *error)
{
	r->web.status = status;
	r->web.error = error;
	form_load(r);
}

/* ---- GET ------------------------------------------------------------------------- */

static void get_authenticated(struct req *r, const struct db_result *read)
{
	const char *kind = req_query(r, "kind");

	(void)read;
	web_csrf_of(r->web.token, r->web.csrf);
	if (!followup_allowed(r, ACT_EDIT_PROPOSALS, pattern_of(r)))
		return;
	if (r->web.view == PF_EDIT) {
		if (!validate_uuid(r->web.id)) {
			not_found(r);
			return;
		}
		form_load(r);
		return;
	}
	if (!kind || !jf_in_choices(VOCAB_PROPOSAL_KINDS, kind)) {
		proposal_kinds_page(r, kind && kind[0] ? 400 : 200);
		return;
	}
	r->web.form = json_pack("{s:s}", "kind", kind);
	if (!r->web.form) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	form_load(r);
}

/* ---- POST: the form into the API's body ----------------------------------------- */

/* "12", "1,5" or "1 500" as a number; NULL when it is none. */
static json_t *number_of(const char *s)
{
	char buf[64], *o = buf, *end;
	double d;

	for (; s && *s && o < buf + sizeof buf - 1; s++)
		if (*s != ' ')
			*o++ = *s == ',' ? '.' : *s;
	*o = '\0';
	if (!buf[0] || (s && *s))
		return NULL;
	d = strtod(buf, &end);
	if (*end || d != d)
		return NULL;
	if (d >= -1e15 && d <= 1e15 && d == (double)(long long)d)
		return json_integer((json_int_t)d);
	return json_real(d);
}

/* A whole number into body[key] (empty: null); false after noting the error. */
static bool int_into(struct req *r, json_t *body, const char *key, const char *text)
{
	char *end;
	long v;

	if (!text || !text[0])
		return json_object_set_new(body, key, json_null()) == 0;
	v = strtol(text, &end, 10);
	if (*end || !validate_digits(text))
		return web_set_error(r, key, sv_proposal_error(key, "not a number"));
	return json_object_set_new(body, key, json_integer(v)) == 0;
}

static bool str_into(json_t *body, const char *key, const char *text, bool null_if_empty)
{
	if (null_if_empty && (!text || !text[0]))
		return json_object_set_new(body, key, json_null()) == 0;
	return json_object_set_new(body, key, json_string(text ? text : "")) == 0;
}

/* The API's body of the form: the fields the proposal's kind takes and
 * its resource lines; NULL when out of memory. Values that are not
 * numbers are noted as errors and left out. */
static json_t *body_of(struct req *r, const char *kind, bool create)
{
	json_t *f = r->web.form, *body = json_object(), *lines = json_array(), *l;
	bool ok = body && lines;
	size_t i;

	if (ok && create)
		ok = str_into(body, "kind", kind, true) &&
		     str_into(body, "agreement", web_str(f, "agreement"), true);
	ok = ok && str_into(body, "title", web_str(f, "title"), false) &&
	     str_into(body, "proposal_text", web_str(f, "proposal_text"), false) &&
	     str_into(body, "background", web_str(f, "background"), false) &&
	     str_into(body, "focus_area", web_str(f, "focus_area"), true);
	if (ok && strcmp(kind, "action_plan") == 0)
		ok = str_into(body, "action_plan", web_str(f, "action_plan"), true);
	if (ok && strcmp(kind, "follow_up") == 0)
		ok = int_into(r, body, "follow_up_year", web_str(f, "follow_up_year"));
	if (ok && strcmp(kind, "extension") == 0)
		ok = int_into(r, body, "extension_years", web_str(f, "extension_years"));
	json_array_foreach (json_object_get(f, "resources"), i, l) {
		json_t *line = json_pack("{s:s, s:s, s:s}", "organisation",
					 web_str(l, "organisation"), "description",
					 web_str(l, "description"), "unit", web_str(l, "unit"));
		json_t *amount = number_of(web_str(l, "amount"));
		char key[48];

		ok = ok && line && json_array_append_new(lines, line) == 0;
		if (!ok)
			break;
		if (amount) {
			ok = json_object_set_new(line, "amount", amount) == 0;
			continue;
		}
		snprintf(key, sizeof key, "resources[%zu].amount", i);
		ok = web_set_error(r, key, sv_proposal_error(key, "not a number"));
	}
	if (ok && json_object_set(body, "resources", lines) == 0) {
		json_decref(lines);
		return body;
	}
	json_decref(lines);
	json_decref(body);
	return NULL;
}

/* The API's checks of the body (fields, lines, privacy guard) as errors
 * beside the fields; false when out of memory. */
static bool check_body(struct req *r, json_t *body, bool create)
{
	bool oom, ok = true;
	json_t *errs = proposal_body_errors(body, create, &oom), *e;
	char path[128];
	size_t i;

	if (oom)
		return false;
	json_array_foreach (errs, i, e) {
		const char *field = web_str(e, "field") ? web_str(e, "field") : "title";

		ok = ok && web_set_error(r, field, sv_proposal_error(field, web_str(e, "message")));
	}
	json_decref(errs);
	if (ok && !r->web.errors && jsonguard_find_pnr(body, path, sizeof path))
		ok = web_set_error(r, path[0] ? path : "title", WEB_PNR_TEXT);
	return ok;
}

static void written(struct req *r, const struct db_result *res)
{
	char location[96];
	const char *text, *id = NULL;
	json_t *doc;

	if (res->err == SVK_OK) {
		text = req_result_text(res, 0);
		doc = text ? json_loads(text, 0, NULL) : NULL;
		id = web_str(doc, "id");
		snprintf(location, sizeof location, "/forslag/%s", id ? id : r->web.id);
		json_decref(doc);
		web_redirect(r, location);
		return;
	}
	if (res->err == SVK_ERR_NOT_FOUND) {
		not_found(r);
		return;
	}
	if (!svk_sqlstate_is_ours(res->sqlstate)) {
		req_reply_db_error(r, res);
		return;
	}
	if (res->err == SVK_ERR_PRECONDITION_FAILED) {
		json_object_del(r->web.form, "version");
		again(r, 412,
		      "Någon annan har ändrat förslaget sedan du öppnade formuläret, så dina "
		      "ändringar sparades inte. De står kvar nedan: jämför med förslaget som det "
		      "är nu och spara igen.");
	} else if (res->err == SVK_ERR_VALIDATION && res->column && res->column[0]) {
		if (!web_set_error(r, res->column, sv_proposal_error(res->column, res->message))) {
			req_problem(r, SVK_ERR_INTERNAL, "out of memory");
			return;
		}
		again(r, 422, NULL);
	} else if (res->err == SVK_ERR_VALIDATION || res->err == SVK_ERR_CONFLICT) {
		again(r, res->err == SVK_ERR_CONFLICT ? 409 : 422,
		      sv_proposal_refusal(res->message));
	} else {
		req_reply_db_error(r, res);
	}
}

static void post_authenticated(struct req *r, const struct db_result *read)
{
	bool create = r->web.view == PF_NEW;
	const char *kind = web_str(r->web.form, "kind"), *text, *version;
	json_t *body;

	(void)read;
	if (!web_form_token_ok(r))
		return;
	web_csrf_of(r->web.token, r->web.csrf);
	if (!followup_allowed(r, ACT_EDIT_PROPOSALS, pattern_of(r)))
		return;
	if (!create && !validate_uuid(r->web.id)) {
		not_found(r);
		return;
	}
	if (!kind || !jf_in_choices(VOCAB_PROPOSAL_KINDS, kind)) {
		proposal_kinds_page(r, 422);
		return;
	}
	body = body_of(r, kind, create);
	if (!body || !check_body(r, body, create)) {
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
	if (create) {
		const char *p[2] = { r->auth.actor.user_id, text };
		req_write1(r, SQL_PROPOSAL_CREATE, 2, p, written);
		return;
	}
	version = web_str(r->web.form, "version");
	const char *p[4] = { r->auth.actor.user_id, r->web.id, text,
			     version && version[0] ? version : NULL };
	req_write1(r, SQL_PROPOSAL_PATCH, 4, p, written);
}

static bool blank(const char *s)
{
	return !s || !s[strspn(s, " \t\r\n")];
}

/* The resource rows typed (a row left empty is no line), in their order. */
static json_t *lines_read(struct evkeyvalq *f)
{
	json_t *lines = json_array();
	char key[48];

	for (int i = 0; lines && i < PF_MAX_LINES; i++) {
		const char *v[4];
		bool any = false;
		json_t *line;

		for (int k = 0; k < 4; k++) {
			snprintf(key, sizeof key, "resources.%d.%s", i, line_fields[k]);
			v[k] = evhttp_find_header(f, key);
			any = any || !blank(v[k]);
		}
		if (!any)
			continue;
		line = json_object();
		for (int k = 0; line && k < 4; k++)
			if (json_object_set_new(line, line_fields[k], web_form_text(v[k])) != 0) {
				json_decref(line);
				line = NULL;
			}
		if (!line || json_array_append_new(lines, line) != 0) {
			json_decref(lines);
			return NULL;
		}
	}
	return lines;
}

static void form_post(struct req *r)
{
	struct evkeyvalq f;
	int rc = 0;

	if (!web_form_open(r, &f))
		return;
	r->web.form = json_object();
	rc |= !r->web.form;
	for (size_t i = 0; rc == 0 && i < sizeof fields / sizeof fields[0]; i++) {
		const char *v = evhttp_find_header(&f, fields[i]);

		if (v)
			rc |= json_object_set_new(r->web.form, fields[i], web_form_text(v));
	}
	if (rc == 0)
		rc |= json_object_set_new(r->web.form, "resources", lines_read(&f));
	evhttp_clear_headers(&f);
	if (rc != 0) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	web_authenticate(r, post_authenticated);
}

/* ---- the paths ---------------------------------------------------------------------- */

bool web_proposal_form_route(struct req *r)
{
	static const char *const tails[] = {
		[PF_EDIT] = "/redigera", [PF_SUBMIT] = "/lamna-in", [PF_WITHDRAW] = "/dra-tillbaka"
	};
	const char *rest = r->path + 9, *slash; /* after "/forslag/" */
	size_t n;
	int view = -1;

	if (strncmp(r->path, "/forslag/", 9) != 0)
		return false;
	if (strcmp(rest, "nytt") == 0) {
		view = PF_NEW;
	} else if ((slash = strchr(rest, '/'))) {
		for (int v = PF_EDIT; v <= PF_WITHDRAW; v++)
			if (strcmp(slash, tails[v]) == 0)
				view = v;
		n = (size_t)(slash - rest);
		if (view < 0 || n == 0 || n >= sizeof r->web.id)
			return false;
		memcpy(r->web.id, rest, n);
		r->web.id[n] = '\0';
	}
	if (view < 0)
		return false;
	r->web.view = view;
	if (r->method == M_POST && (view == PF_NEW || view == PF_EDIT)) {
		form_post(r);
	} else if (r->method == M_POST) {
		proposal_state_post(r);
	} else if (r->method == M_GET && (view == PF_NEW || view == PF_EDIT)) {
		web_authenticate(r, get_authenticated);
	} else {
		evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Allow",
				  view == PF_NEW || view == PF_EDIT ? "GET, POST" : "POST");
		web_message(r, 405, "Fel metod", "Sidan tar inte emot den sortens begäran.");
	}
	return true;
}
