/*
 * Decision documents and decisions (SPEC §4): GET|POST /v1/proposals,
 * GET|PATCH /v1/proposals/{id}, POST …/submit, POST …/withdraw,
 * GET|POST /v1/proposals/{id}/decisions, GET /v1/me/pending and
 * GET /v1/agreements/{id}/priorities.
 *
 * The beredningsgrupp prepares; each affected organisation decides once
 * per round through one of its styrgrupp decision makers. Before a
 * decision the dispatcher's policy gets the facts it needs (is the
 * organisation affected, has it decided this round); the decision itself
 * is one SQL function that locks the proposal and re-checks, so that two
 * decision makers — on one server or two — leave one decision per
 * organisation per round and one effect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "validate.h"
#include "vocab.h"

/* One field a row. */
/* clang-format off */
#define PROPOSAL_FIELDS(req)                                                          \
	{ .name = "agreement", .type = JF_UUID, .required = (req) },                  \
	{ .name = "kind", .type = JF_ENUM, .required = (req), .choices = VOCAB_PROPOSAL_KINDS },     \
	{ .name = "title", .type = JF_STRING, .required = (req), .max = 300 },        \
	{ .name = "background", .type = JF_STRING, .empty = true, .max = 20000 },                    \
	{ .name = "proposal_text", .type = JF_STRING, .empty = true, .max = 20000 },                 \
	{ .name = "focus_area", .type = JF_UUID, .nullable = true },                  \
	{ .name = "action_plan", .type = JF_UUID, .nullable = true },                 \
	{ .name = "follow_up_year", .type = JF_INT, .nullable = true, .min = 2000, .max = 2100 }, \
	{ .name = "extension_years", .type = JF_INT, .nullable = true, .min = 1, .max = 4 }
/* clang-format on */

static const struct jf_field create_fields[] = { PROPOSAL_FIELDS(true) };
/* A draft's kind and agreement stay what they were created as. */
static const struct jf_field patch_fields[] = {
	{ .name = "title", .type = JF_STRING, .max = 300 },
	{ .name = "background", .type = JF_STRING, .empty = true, .max = 20000 },
	{ .name = "proposal_text", .type = JF_STRING, .empty = true, .max = 20000 },
	{ .name = "focus_area", .type = JF_UUID, .nullable = true },
	{ .name = "action_plan", .type = JF_UUID, .nullable = true },
	{ .name = "follow_up_year", .type = JF_INT, .nullable = true, .min = 2000, .max = 2100 },
	{ .name = "extension_years", .type = JF_INT, .nullable = true, .min = 1, .max = 4 },
};

static const struct jf_field resource_fields[] = {
	{ .name = "organisation", .type = JF_SLUG, .required = true },
	{ .name = "description", .type = JF_STRING, .required = true, .max = 1000 },
	{ .name = "amount", .type = JF_NUMBER, .required = true, .min = 0, .max = 1000000000 },
	{ .name = "unit", .type = JF_STRING, .required = true, .max = 50 },
};

/* The errors of a proposal's body (create: all its fields; else a
 * draft's edit), each resource line's named by its place
 * (resources[2].amount); NULL when there is none or no memory (*oom).
 * The web form checks its body with it too. */
json_t *proposal_body_errors(const json_t *in, bool create, bool *oom)
{
	const struct jf_field *fields = create ? create_fields : patch_fields;
	size_t n = create ? sizeof create_fields / sizeof create_fields[0]
			  : sizeof patch_fields / sizeof patch_fields[0];
	json_t *body = json_copy((json_t *)in), *lines, *line, *all = json_array(), *errs = NULL;
	size_t i;

	*oom = false;
	if (!body || !all) {
		json_decref(body);
		json_decref(all);
		*oom = true;
		return NULL;
	}
	lines = json_object_get(in, "resources");
	json_object_del(body, "resources");
	if (!jf_check(body, fields, n, &errs))
		json_array_extend(all, errs);
	json_decref(errs);
	if (lines && !json_is_array(lines))
		json_array_append_new(all, json_pack("{s:s, s:s}", "field", "resources", "message",
						     "must be an array of resource lines"));
	json_array_foreach (lines, i, line) {
		size_t k;
		json_t *e;
		errs = NULL;
		if (jf_check(line, resource_fields,
			     sizeof resource_fields / sizeof resource_fields[0], &errs))
			continue;
		json_array_foreach (errs, k, e) {
			char field[96];
			snprintf(field, sizeof field, "resources[%zu].%s", i,
				 json_string_value(json_object_get(e, "field")));
			(void)validate_utf8_trim(field);
			json_object_set_new(e, "field", json_string(field));
		}
		json_array_extend(all, errs);
		json_decref(errs);
	}
	json_decref(body);
	if (json_array_size(all) == 0) {
		json_decref(all);
		return NULL;
	}
	return all;
}

/* Checks the body; answers 422 naming every bad field and returns false
 * when any is. */
static bool proposal_body_ok(struct req *r, bool create)
{
	bool oom;
	json_t *all = proposal_body_errors(r->body, create, &oom);

	if (oom) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return false;
	}
	if (!all)
		return true;
	req_problem_errors(r, SVK_ERR_VALIDATION, "invalid fields", all);
	return false;
}

static void created(struct req *r, const struct db_result *res)
{
	req_reply_created(r, res, "/v1/proposals");
}

void h_proposal_create(struct req *r)
{
	const char *body;

	if (!proposal_body_ok(r, true))
		return;
	body = req_body_text(r);
	if (!body) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	const char *p[2] = { r->auth.actor.user_id, body };
	req_write1(r, SQL_PROPOSAL_CREATE, 2, p, created);
}

static void changed(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no such proposal", NULL);
}

void h_proposal_patch(struct req *r)
{
	const char *id = req_uuid_param(r, 0, "no such proposal"), *body;

	if (!id) {
		req_problem_query(r);
		return;
	}
	if (!proposal_body_ok(r, false))
		return;
	if (json_object_size(r->body) == 0) {
		req_problem_field(r, "body", "give at least one field to change");
		return;
	}
	body = req_body_text(r);
	if (!body) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	const char *p[4] = { r->auth.actor.user_id, id, body, req_if_match(r) };
	req_write1(r, SQL_PROPOSAL_PATCH, 4, p, changed);
}

static void state_change(struct req *r, const char *stmt)
{
	const char *id = req_uuid_param(r, 0, "no such proposal");

	if (!id) {
		req_problem_query(r);
		return;
	}
	const char *p[2] = { r->auth.actor.user_id, id };
	req_write1(r, stmt, 2, p, changed);
}

void h_proposal_submit(struct req *r)
{
	state_change(r, "proposal_submit");
}

void h_proposal_withdraw(struct req *r)
{
	state_change(r, "proposal_withdraw");
}

/* ---- decisions ---------------------------------------------------------- */

const struct jf_field decision_fields[] = {
	{ .name = "verdict", .type = JF_ENUM, .required = true, .choices = VOCAB_VERDICTS },
	{ .name = "comment", .type = JF_STRING, .empty = true, .max = 4000 },
	{ .name = "organisation", .type = JF_SLUG },
};
const size_t decision_fields_count = sizeof decision_fields / sizeof decision_fields[0];

static void decided(struct req *r, const struct db_result *res)
{
	char location[128];

	/* The organisation turned out not to be affected: a refusal, audited. */
	if (res->err == SVK_ERR_FORBIDDEN) {
		req_forbidden(r, res->message ? res->message : "your organisation is not affected");
		return;
	}
	snprintf(location, sizeof location, "/v1/proposals/%s/decisions", req_param(r, 0));
	req_reply_row(r, res, 0, 201, "no such proposal", location);
}

/*
 * The rights that do not depend on the proposal (a styrgrupp decision
 * maker of a party, deciding for their own organisation) are checked here;
 * whether the organisation is affected and has decided this round is
 * checked by the decision itself, under the proposal's lock, so a decision
 * is one round trip.
 */
void h_decision_create(struct req *r)
{
	const char *id = req_uuid_param(r, 0, "no such proposal");
	struct policy_target t = { 0 };

	if (!id) {
		req_problem_query(r);
		return;
	}
	if (!req_body_ok(r, decision_fields, decision_fields_count))
		return;
	t.organisation = jf_str(r->body, "organisation");
	if (!t.organisation)
		t.organisation = r->auth.actor.p.organisation;
	if (!req_allow(r, ACT_DECIDE, &t))
		return;
	const char *p[4] = { r->auth.actor.user_id, id, jf_str(r->body, "verdict"),
			     jf_str(r->body, "comment") };
	req_write1(r, SQL_PROPOSAL_DECIDE, 4, p, decided);
}
