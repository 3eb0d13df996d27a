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
#include "sql_names.h"

static const struct jf_field agreement_fields[] = {
	{ .name = "title", .type = JF_STRING, .required = true, .max = 300 },
	{ .name = "goal", .type = JF_STRING, .required = true, .max = 4000 },
	{ .name = "parties", .type = JF_STRINGS, .required = true, .max = 63 },
	{ .name = "valid_from", .type = JF_DATE, .required = true },
	{ .name = "valid_to", .type = JF_DATE, .required = true },
};

static void agreement_created(struct req *r, const struct db_result *res)
{
	req_reply_created(r, res, "/v1/agreements");
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
	const char *p[6] = { r->auth.actor.user_id,         jf_str(r->body, "title"),
			     jf_str(r->body, "goal"),       parties,
			     jf_str(r->body, "valid_from"), jf_str(r->body, "valid_to") };
	req_write1(r, SQL_AGREEMENT_CREATE, 6, p, agreement_created);
	free(parties);
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
		req_problem_query(r);
		return;
	}
	if (!req_body_ok(r, focus_area_fields,
			 sizeof focus_area_fields / sizeof focus_area_fields[0]))
		return;
	snprintf(ordinal, sizeof ordinal, "%lld",
		 (long long)json_integer_value(json_object_get(r->body, "ordinal")));
	const char *p[5] = { r->auth.actor.user_id, id, ordinal, jf_str(r->body, "title"),
			     jf_str(r->body, "goal") };
	req_write1(r, SQL_FOCUS_AREA_CREATE, 5, p, focus_area_created);
}
