/*
 * Lämna in and Dra tillbaka (POST /forslag/{id}/lamna-in and
 * /forslag/{id}/dra-tillbaka, the buttons of proposal_page.c): the API's
 * POST /v1/proposals/{id}/submit and /withdraw, through the same right
 * (ACT_EDIT_PROPOSALS, its refusal audited naming the pattern) and the
 * same SQL functions, svk.proposal_submit and _withdraw, with their audit
 * entries and refusals; a refusal is shown in Swedish on the proposal's
 * page beside its buttons, with the API's status. A form without the
 * session's form token, or from another origin, is refused with 403.
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "sql_names.h"
#include "validate.h"
#include "web_internal.h"

static void not_found(struct req *r)
{
	web_message(r, 404, "Förslaget finns inte", "Det finns inget förslag med den adressen.");
}

static void page_loaded(struct req *r, const struct db_result *res)
{
	const char *text, *more;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	text = req_result_text(res, 0);
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

static void changed(struct req *r, const struct db_result *res)
{
	char location[80];

	if (res->err == SVK_OK) {
		snprintf(location, sizeof location, "/forslag/%s", r->web.id);
		web_redirect(r, location);
		return;
	}
	if (res->err == SVK_ERR_NOT_FOUND) {
		not_found(r);
		return;
	}
	if (!svk_sqlstate_is_ours(res->sqlstate) ||
	    (res->err != SVK_ERR_CONFLICT && res->err != SVK_ERR_VALIDATION)) {
		req_reply_db_error(r, res);
		return;
	}
	/* The proposal's page, with the reason beside its buttons. */
	r->web.status = res->err == SVK_ERR_CONFLICT ? 409 : 422;
	r->web.action_error = sv_proposal_refusal(res->message);
	struct db_call calls[2] = {
		{ .stmt = SQL_PROPOSAL_GET, .nparams = 1, .params = { r->web.id } },
		{ .stmt = SQL_WEB_PROPOSAL, .nparams = 1, .params = { r->web.id } },
	};
	req_db(r, calls, 2, page_loaded);
}

static void state_authenticated(struct req *r, const struct db_result *read)
{
	(void)read;
	if (!web_form_token_ok(r))
		return;
	web_csrf_of(r->web.token, r->web.csrf);
	if (!followup_allowed(r, ACT_EDIT_PROPOSALS,
			      r->web.view == PF_SUBMIT ? "POST /forslag/{}/lamna-in"
						       : "POST /forslag/{}/dra-tillbaka"))
		return;
	if (!validate_uuid(r->web.id)) {
		not_found(r);
		return;
	}
	const char *p[2] = { r->auth.actor.user_id, r->web.id };
	req_write1(r, r->web.view == PF_SUBMIT ? SQL_PROPOSAL_SUBMIT : SQL_PROPOSAL_WITHDRAW, 2, p,
		   changed);
}

void proposal_state_post(struct req *r)
{
	struct evkeyvalq f;

	if (!web_form_open(r, &f))
		return;
	evhttp_clear_headers(&f);
	web_authenticate(r, state_authenticated);
}
