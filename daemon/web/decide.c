/*
 * A proposal's page (GET /forslag/{id}) and its decision form (POST
 * /forslag/{id}/beslut).
 *
 * The form's decision is the API's (POST /v1/proposals/{id}/decisions):
 * the same field checks (decision_fields), the same privacy guard over the
 * comment, the same policy (ACT_DECIDE for the user's own organisation),
 * then the same statement, svk.proposal_decide, which locks the proposal,
 * checks again and writes the decision, its audit entry and its effect. A
 * refusal is audited as the API's is (request.refused, naming the page's
 * pattern, never its path) and shown in Swedish on the proposal's page
 * next to the form, with the comment the user typed; a decision taken
 * answers 303 to the proposal's page. A form without the session's form
 * token, or from another origin, is refused with 403 before anything is
 * read or written.
 */
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "jsonguard.h"
#include "log.h"
#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "validate.h"
#include "web_internal.h"

#define GET_PATTERN "GET /forslag/{}"
#define DECIDE_PATTERN "POST /forslag/{}/beslut"

static void not_found(struct req *r)
{
	web_message(r, 404, "Förslaget finns inte", "Det finns inget förslag med den adressen.");
}

static void proposal_loaded(struct req *r, const struct db_result *res)
{
	const char *text, *more;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	text = req_result_text(res, 0);
	if (!text && r->web.error) { /* refused before the proposal was looked up */
		web_message(r, r->web.status, "Beslutet registrerades inte", r->web.error);
		return;
	}
	if (!text) {
		not_found(r);
		return;
	}
	more = req_result_text(res, 1);
	r->web.doc = json_loads(text, 0, NULL);
	r->web.more = more ? json_loads(more, 0, NULL) : json_object();
	if (!r->web.doc || !r->web.more) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the database's answer");
		return;
	}
	page_proposal(r);
}

/* Reads the proposal as GET /v1/proposals/{id} does, with the names its
 * page shows, then shows it (with r->web.status and r->web.error). */
static void proposal_load(struct req *r)
{
	struct db_call calls[2] = {
		{ .stmt = SQL_PROPOSAL_GET, .nparams = 1, .params = { r->web.id } },
		{ .stmt = SQL_WEB_PROPOSAL, .nparams = 1, .params = { r->web.id } },
	};

	req_db(r, calls, 2, proposal_loaded);
}

/* A decision not taken: the proposal's page with the reason next to the
 * form (or, to a user who may not read proposals, a page of its own). */
static void show_refusal(struct req *r, int status, const char *text)
{
	r->web.status = status;
	r->web.error = text;
	if (!policy_check(&r->auth.actor.p, ACT_READ_SHARED, NULL, NULL)) {
		web_message(r, status, "Beslutet registrerades inte", text);
		return;
	}
	proposal_load(r);
}

static void refusal_audited(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK)
		log_warn(&r->w->app->log, "msg=\"cannot audit refusal\" id=%s", r->id);
	if (r->method == M_GET) {
		web_message(r, 403, "Åtkomst nekad", "Du har inte behörighet till det här.");
		return;
	}
	show_refusal(r, 403, r->web.error);
}

/* Audits the refusal as req_forbidden does (the API's reason, the page's
 * pattern), then shows it. */
static void refuse(struct req *r, const char *pattern, const char *reason)
{
	const char *p[3] = { r->auth.actor.user_id, pattern, reason };

	r->web.error = sv_refusal(reason);
	req_db1(r, SQL_AUDIT_REFUSAL, 3, p, refusal_audited);
}

void web_proposal_get(struct req *r)
{
	const char *why = NULL;

	if (!validate_uuid(r->web.id)) {
		not_found(r);
		return;
	}
	if (!policy_check(&r->auth.actor.p, ACT_READ_SHARED, NULL, &why)) {
		refuse(r, GET_PATTERN, why ? why : "forbidden");
		return;
	}
	proposal_load(r);
}

/* ---- the decision ------------------------------------------------------------ */

static void decided(struct req *r, const struct db_result *res)
{
	char location[80];

	if (res->err == SVK_OK) {
		snprintf(location, sizeof location, "/forslag/%s#beslut", r->web.id);
		web_redirect(r, location);
		return;
	}
	if (res->err == SVK_ERR_FORBIDDEN) {
		refuse(r, DECIDE_PATTERN,
		       res->message ? res->message : "your organisation is not affected");
		return;
	}
	if (res->err == SVK_ERR_NOT_FOUND) {
		not_found(r);
		return;
	}
	if (svk_sqlstate_is_ours(res->sqlstate) &&
	    (res->err == SVK_ERR_CONFLICT || res->err == SVK_ERR_VALIDATION)) {
		show_refusal(r, res->err == SVK_ERR_CONFLICT ? 409 : 422, sv_refusal(res->message));
		return;
	}
	req_reply_db_error(r, res);
}

/* The form as the API's body: {verdict, comment}; NULL after answering
 * when it is not one the API would take. */
static json_t *decision_body(struct req *r)
{
	json_t *body = json_pack("{s:s}", "verdict", r->web.verdict), *errs = NULL, *e;
	const char *text = NULL;
	size_t i;

	if (!body) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return NULL;
	}
	if (r->web.comment && r->web.comment[0]) {
		json_t *c = json_string(r->web.comment);

		if (!c || json_object_set_new(body, "comment", c) != 0) {
			json_decref(body);
			show_refusal(
			    r, 422,
			    "Kommentaren innehåller tecken som inte kan sparas. Ta bort dem "
			    "och försök igen.");
			return NULL;
		}
	}
	if (!jf_check(body, decision_fields, decision_fields_count, &errs)) {
		text = "Kommentaren är för lång: den får vara högst 4000 tecken, där å, ä och ö "
		       "räknas som två.";
		json_array_foreach (errs, i, e)
			if (strcmp(web_str(e, "field") ? web_str(e, "field") : "", "verdict") == 0)
				text = "Välj Godkänn, Avslå eller Återremittera.";
	} else if (jsonguard_find_pnr(body, NULL, 0)) {
		text = "Kommentaren innehåller ett personnummer eller samordningsnummer. "
		       "Personuppgifter får inte sparas här; ta bort numret och försök igen.";
	}
	json_decref(errs);
	if (text) {
		json_decref(body);
		show_refusal(r, 422, text);
		return NULL;
	}
	return body;
}

static void decide_authenticated(struct req *r, const struct db_result *read)
{
	struct policy_target t = { .organisation = r->auth.actor.p.organisation };
	const char *why = NULL;
	json_t *body;

	(void)read;
	if (!web_form_token_ok(r))
		return;
	if (!validate_uuid(r->web.id)) {
		not_found(r);
		return;
	}
	body = decision_body(r);
	if (!body)
		return;
	json_decref(body);
	if (!policy_check(&r->auth.actor.p, ACT_DECIDE, &t, &why)) {
		refuse(r, DECIDE_PATTERN, why ? why : "forbidden");
		return;
	}
	const char *p[4] = { r->auth.actor.user_id, r->web.id, r->web.verdict,
			     r->web.comment && r->web.comment[0] ? r->web.comment : NULL };
	req_write1(r, SQL_PROPOSAL_DECIDE, 4, p, decided);
}

void web_decide_post(struct req *r)
{
	struct evkeyvalq f;
	const char *verdict, *comment;

	if (!web_form_open(r, &f))
		return;
	verdict = evhttp_find_header(&f, "verdict");
	comment = evhttp_find_header(&f, "comment");
	/* A verdict too long to be one is kept as none: refused as the API's. */
	snprintf(r->web.verdict, sizeof r->web.verdict, "%s",
		 verdict && strlen(verdict) < sizeof r->web.verdict ? verdict : "");
	r->web.comment = comment ? web_text_lf(comment) : NULL;
	evhttp_clear_headers(&f);
	if (comment && !r->web.comment) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	web_authenticate(r, decide_authenticated);
}
