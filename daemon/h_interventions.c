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

#define STATUSES "planned|ongoing|done|cancelled"
#define RAGS "green|yellow|red"

void h_interventions_listed(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no such action plan", NULL);
}

int q_intervention_list(struct req *r, struct db_call *c)
{
	const char *id = req_uuid_param(r, 0, "no such action plan");
	const char *cursor, *focus, *overdue = req_query(r, "overdue");
	const char *status = req_query(r, "status"), *rag = req_query(r, "rag");
	int n = req_limit_value(r);

	if (!id || n < 0 || req_cursor_seq(r, &cursor) != 0 ||
	    req_uuid_query(r, "focus_area", &focus) != 0)
		return -1;
	if (overdue && strcmp(overdue, "true") != 0 && strcmp(overdue, "false") != 0) {
		r->qerr_field = "overdue";
		r->qerr_message = "must be true or false";
		return -1;
	}
	if (status && !jf_in_choices(STATUSES, status)) {
		r->qerr_field = "status";
		r->qerr_message = "must be one of: planned, ongoing, done, cancelled";
		return -1;
	}
	if (rag && !jf_in_choices(RAGS, rag)) {
		r->qerr_field = "rag";
		r->qerr_message = "must be one of: green, yellow, red";
		return -1;
	}
	snprintf(r->qbuf[0], sizeof r->qbuf[0], "%d", n);
	c->stmt = "intervention_list";
	c->nparams = 8;
	c->params[0] = id;
	c->params[1] = r->qbuf[0];
	c->params[2] = cursor;
	c->params[3] = status;
	c->params[4] = rag;
	c->params[5] = focus;
	c->params[6] = req_query(r, "responsible");
	c->params[7] = overdue;
	return 0;
}

void h_intervention_got(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no such intervention", NULL);
}

int q_intervention_get(struct req *r, struct db_call *c)
{
	const char *id = req_uuid_param(r, 0, "no such intervention");

	if (!id)
		return -1;
	c->stmt = "intervention_get";
	c->nparams = 1;
	c->params[0] = id;
	return 0;
}

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
	{ .name = "status", .type = JF_ENUM, .choices = STATUSES },                     \
	{ .name = "rag", .type = JF_ENUM, .choices = RAGS },                            \
	{ .name = "progress_percent", .type = JF_INT, .min = 0, .max = 100 },           \
	{ .name = "hours_spent", .type = JF_NUMBER, .min = 0, .max = 1000000 }

static const struct jf_field create_fields[] = { INTERVENTION_FIELDS(true) };
static const struct jf_field patch_fields[] = { INTERVENTION_FIELDS(false) };

static void intervention_created(struct req *r, const struct db_result *res)
{
	json_t *doc = req_result_json(r, res, 0, "not created");
	char location[96];

	if (!doc)
		return;
	snprintf(location, sizeof location, "/v1/interventions/%s",
		 json_string_value(json_object_get(doc, "id")));
	req_reply_json(r, 201, doc, location);
}

void h_intervention_create(struct req *r)
{
	const char *plan = req_uuid_param(r, 0, "no such action plan"), *body;

	if (!plan) {
		req_problem_qerr(r);
		return;
	}
	if (!req_body_ok(r, create_fields, sizeof create_fields / sizeof create_fields[0]))
		return;
	body = req_body_text(r);
	if (!body) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	const char *p[3] = { r->actor.user_id, plan, body };
	req_write1(r, "intervention_create", 3, p, intervention_created);
}

static void intervention_patched(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no such intervention", NULL);
}

void h_intervention_patch(struct req *r)
{
	const char *id = req_uuid_param(r, 0, "no such intervention"), *body;

	if (!id) {
		req_problem_qerr(r);
		return;
	}
	if (!req_body_ok(r, patch_fields, sizeof patch_fields / sizeof patch_fields[0]))
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
	const char *p[4] = { r->actor.user_id, id, body, req_if_match(r) };
	req_write1(r, "intervention_patch", 4, p, intervention_patched);
}

/* ---- the follow-up log -------------------------------------------------- */

void h_updates_listed(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no such intervention", NULL);
}

int q_update_list(struct req *r, struct db_call *c)
{
	const char *id = req_uuid_param(r, 0, "no such intervention"), *cursor;
	int n = req_limit_value(r);

	if (!id || n < 0 || req_cursor_seq(r, &cursor) != 0)
		return -1;
	snprintf(r->qbuf[0], sizeof r->qbuf[0], "%d", n);
	c->stmt = "update_list";
	c->nparams = 3;
	c->params[0] = id;
	c->params[1] = r->qbuf[0];
	c->params[2] = cursor;
	return 0;
}

static const struct jf_field update_fields[] = {
	{ .name = "note", .type = JF_STRING, .required = true, .max = 4000 },
	{ .name = "status", .type = JF_ENUM, .choices = STATUSES },
	{ .name = "rag", .type = JF_ENUM, .choices = RAGS },
	{ .name = "progress_percent", .type = JF_INT, .min = 0, .max = 100 },
	{ .name = "hours", .type = JF_NUMBER, .min = 0, .max = 100000 },
	{ .name = "communicated", .type = JF_BOOL },
	{ .name = "channel", .type = JF_STRING, .empty = true, .max = 200 },
};

static void update_created(struct req *r, const struct db_result *res)
{
	char location[128];

	snprintf(location, sizeof location, "/v1/interventions/%s/updates", req_param(r, 0));
	req_reply_row(r, res, 0, 201, "no such intervention", location);
}

/* The intervention is known: may the actor log on it? */
static void intervention_loaded(struct req *r, const struct db_result *res)
{
	const PGresult *pr = res->n > 0 ? res->res[0] : NULL;
	struct policy_target t = { 0 };
	const char *body;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	if (!pr || PQntuples(pr) != 1) {
		req_problem(r, SVK_ERR_NOT_FOUND, "no such intervention");
		return;
	}
	t.organisation = PQgetvalue(pr, 0, 1);
	if (!req_allow(r, ACT_UPDATE_INTERVENTION, &t))
		return;
	body = req_body_text(r);
	if (!body) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	const char *p[3] = { r->actor.user_id, req_param(r, 0), body };
	req_write1(r, "update_create", 3, p, update_created);
}

void h_update_create(struct req *r)
{
	const char *id = req_uuid_param(r, 0, "no such intervention");

	if (!id) {
		req_problem_qerr(r);
		return;
	}
	if (!req_body_ok(r, update_fields, sizeof update_fields / sizeof update_fields[0]))
		return;
	const char *p[1] = { id };
	req_db1(r, "intervention_get", 1, p, intervention_loaded);
}
