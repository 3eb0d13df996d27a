/*
 * The agreement and its focus areas: GET|POST /v1/agreements,
 * GET /v1/agreements/{id}, GET|POST /v1/agreements/{id}/focus-areas.
 * Admins create agreements; beredningsgrupp and up add focus areas;
 * every tier reads. valid_to has no writer here: only an approved
 * extension moves it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "request.h"
#include "routes.h"

void h_agreement_listed(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no result", NULL);
}

int q_agreement_list(struct req *r, struct db_call *c)
{
	int n = req_limit_value(r);
	const char *cursor;

	if (n < 0 || req_cursor_seq(r, &cursor) != 0)
		return -1;
	snprintf(r->qbuf[0], sizeof r->qbuf[0], "%d", n);
	c->stmt = "agreement_list";
	c->nparams = 2;
	c->params[0] = r->qbuf[0];
	c->params[1] = cursor;
	return 0;
}

void h_agreement_got(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no such agreement", NULL);
}

int q_agreement_get(struct req *r, struct db_call *c)
{
	const char *id = req_uuid_param(r, 0, "no such agreement");

	if (!id)
		return -1;
	c->stmt = "agreement_get";
	c->nparams = 1;
	c->params[0] = id;
	return 0;
}

static const struct jf_field agreement_fields[] = {
	{ .name = "title", .type = JF_STRING, .required = true, .max = 300 },
	{ .name = "goal", .type = JF_STRING, .required = true, .max = 4000 },
	{ .name = "parties", .type = JF_STRINGS, .required = true, .max = 63 },
	{ .name = "valid_from", .type = JF_DATE, .required = true },
	{ .name = "valid_to", .type = JF_DATE, .required = true },
};

static void agreement_created(struct req *r, const struct db_result *res)
{
	json_t *doc = req_result_json(r, res, 0, "not created");
	char location[96];

	if (!doc)
		return;
	snprintf(location, sizeof location, "/v1/agreements/%s",
		 json_string_value(json_object_get(doc, "id")));
	req_reply_json(r, 201, doc, location);
}

void h_agreement_create(struct req *r)
{
	char *parties;

	if (!req_body_ok(r, agreement_fields, sizeof agreement_fields / sizeof agreement_fields[0]))
		return;
	parties = json_dumps(json_object_get(r->body, "parties"), JSON_COMPACT);
	if (!parties) {
		req_problem(r, SVK_ERR_INTERNAL, "out of memory");
		return;
	}
	const char *p[6] = { r->actor.user_id, jf_str(r->body, "title"), jf_str(r->body, "goal"),
			     parties, jf_str(r->body, "valid_from"), jf_str(r->body, "valid_to") };
	req_write1(r, "agreement_create", 6, p, agreement_created);
	free(parties);
}

void h_focus_areas_listed(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no such agreement", NULL);
}

int q_focus_area_list(struct req *r, struct db_call *c)
{
	const char *id = req_uuid_param(r, 0, "no such agreement");

	if (!id)
		return -1;
	c->stmt = "focus_area_list";
	c->nparams = 1;
	c->params[0] = id;
	return 0;
}

static const struct jf_field focus_area_fields[] = {
	{ .name = "ordinal", .type = JF_INT, .required = true, .min = 1, .max = 100 },
	{ .name = "title", .type = JF_STRING, .required = true, .max = 300 },
	{ .name = "goal", .type = JF_STRING, .required = true, .max = 4000 },
};

static void focus_area_created(struct req *r, const struct db_result *res)
{
	json_t *doc = req_result_json(r, res, 0, "not created");
	char location[128];

	if (!doc)
		return;
	snprintf(location, sizeof location, "/v1/agreements/%s/focus-areas", req_param(r, 0));
	req_reply_json(r, 201, doc, location);
}

void h_focus_area_create(struct req *r)
{
	const char *id = req_uuid_param(r, 0, "no such agreement");
	char ordinal[16];

	if (!id) {
		req_problem_qerr(r);
		return;
	}
	if (!req_body_ok(r, focus_area_fields, sizeof focus_area_fields / sizeof focus_area_fields[0]))
		return;
	snprintf(ordinal, sizeof ordinal, "%lld",
		 (long long)json_integer_value(json_object_get(r->body, "ordinal")));
	const char *p[5] = { r->actor.user_id, id, ordinal, jf_str(r->body, "title"),
			     jf_str(r->body, "goal") };
	req_write1(r, "focus_area_create", 5, p, focus_area_created);
}
