/*
 * Interventions (the rows of Brå's action-plan template) and their
 * follow-up log: GET|POST /v1/action-plans/{id}/interventions,
 * GET|PATCH /v1/interventions/{id}, GET|POST /v1/interventions/{id}/updates.
 *
 * The beredningsgrupp and up create and edit interventions; an update to
 * the log may also come from any member of the responsible organisation,
 * so that right is checked against the intervention, read first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "vocab.h"

/* One field a row. */
/* clang-format off */
#define INTERVENTION_FIELDS(req)                                                        \
	{ .name = "title", .type = JF_STRING, .required = (req), .max = 300 },          \
	{ .name = "focus_area", .type = JF_UUID, .required = (req) },                   \
	{ .name = "cause", .type = JF_STRING, .empty = true, .max = 4000 },                            \
	{ .name = "description", .type = JF_STRING, .empty = true, .max = 4000 },                      \
	{ .name = "operational_goal", .type = JF_STRING, .empty = true, .max = 4000 },                 \
	{ .name = "responsible_organisation", .type = JF_SLUG, .required = (req) },     \
	{ .name = "responsible_role", .type = JF_STRING, .empty = true, .max = 200 },                  \
	{ .name = "starts_on", .type = JF_DATE, .nullable = true },                     \
	{ .name = "due_on", .type = JF_DATE, .nullable = true },                        \
	{ .name = "recurring", .type = JF_BOOL },                                       \
	{ .name = "status", .type = JF_ENUM, .choices = VOCAB_INTERVENTION_STATUSES },                     \
	{ .name = "rag", .type = JF_ENUM, .choices = VOCAB_RAGS },                            \
	{ .name = "progress_percent", .type = JF_INT, .min = 0, .max = 100 },           \
	{ .name = "hours_spent", .type = JF_NUMBER, .min = 0, .max = 1000000 }
/* clang-format on */

const struct jf_field intervention_create_fields[] = { INTERVENTION_FIELDS(true) };
const size_t intervention_create_fields_count = sizeof intervention_create_fields /
						sizeof intervention_create_fields[0];
const struct jf_field intervention_patch_fields[] = { INTERVENTION_FIELDS(false) };
const size_t intervention_patch_fields_count = sizeof intervention_patch_fields /
					       sizeof intervention_patch_fields[0];

static void intervention_created(struct req *r, const struct db_result *res)
{
	req_reply_created(r, res, "/v1/interventions");
}

void h_intervention_create(struct req *r)
{
	const char *plan = req_uuid_param(r, 0, "no such action plan"), *body;

	if (!plan) {
		req_problem_query(r);
		return;
	}
	if (!req_body_ok(r, intervention_create_fields, intervention_create_fields_count))
		return;
	body = req_body_text(r);
	if (!body) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	const char *p[3] = { r->auth.actor.user_id, plan, body };
	req_write1(r, SQL_INTERVENTION_CREATE, 3, p, intervention_created);
}

static void intervention_patched(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no such intervention", NULL);
}

void h_intervention_patch(struct req *r)
{
	const char *id = req_uuid_param(r, 0, "no such intervention"), *body;

	if (!id) {
		req_problem_query(r);
		return;
	}
	if (!req_body_ok(r, intervention_patch_fields, intervention_patch_fields_count))
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
	req_write1(r, SQL_INTERVENTION_PATCH, 4, p, intervention_patched);
}

/* ---- the follow-up log -------------------------------------------------- */

const struct jf_field intervention_update_fields[] = {
	{ .name = "note", .type = JF_STRING, .required = true, .max = 4000 },
	{ .name = "status", .type = JF_ENUM, .choices = VOCAB_INTERVENTION_STATUSES },
	{ .name = "rag", .type = JF_ENUM, .choices = VOCAB_RAGS },
	{ .name = "progress_percent", .type = JF_INT, .min = 0, .max = 100 },
	{ .name = "hours", .type = JF_NUMBER, .min = 0, .max = 100000 },
	{ .name = "communicated", .type = JF_BOOL },
	{ .name = "channel", .type = JF_STRING, .empty = true, .max = 200 },
};
const size_t intervention_update_fields_count = sizeof intervention_update_fields /
						sizeof intervention_update_fields[0];

static void update_created(struct req *r, const struct db_result *res)
{
	char location[128];

	/* Another organisation's intervention, seen under its lock: audited. */
	if (res->err == SVK_ERR_FORBIDDEN) {
		req_forbidden(r, res->message ? res->message : "forbidden");
		return;
	}
	snprintf(location, sizeof location, "/v1/interventions/%s/updates", req_param(r, 0));
	req_reply_row(r, res, 0, 201, "no such intervention", location);
}

/*
 * The policy decides whether the actor may log on any intervention, or
 * only on those of their own organisation; which organisation is
 * responsible is read by intervention_log under the intervention's lock,
 * which refuses with the policy's own sentence.
 */
void h_update_create(struct req *r)
{
	const struct policy_actor *a = &r->auth.actor.p;
	const struct policy_target own = { .organisation = a->organisation };
	const struct policy_target other = { .organisation = "" };
	const char *id = req_uuid_param(r, 0, "no such intervention");
	const char *only_org = NULL, *refusal = NULL, *body;

	if (!id) {
		req_problem_query(r);
		return;
	}
	if (!req_body_ok(r, intervention_update_fields, intervention_update_fields_count))
		return;
	if (!policy_check(a, ACT_UPDATE_INTERVENTION, &other, &refusal)) {
		if (!req_allow(r, ACT_UPDATE_INTERVENTION, &own))
			return;
		only_org = a->organisation;
	}
	body = req_body_text(r);
	if (!body) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	const char *p[5] = { r->auth.actor.user_id, id, body, only_org, refusal };
	req_write1(r, SQL_UPDATE_CREATE, 5, p, update_created);
}
