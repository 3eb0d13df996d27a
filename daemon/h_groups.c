/*
 * Groups and memberships: GET|POST /v1/groups, GET /v1/groups/{slug},
 * GET /v1/groups/{slug}/members, PUT|DELETE /v1/groups/{slug}/members/{u}.
 *
 * Admins manage every group. A chair of the beredningsgrupp may co-opt
 * members (role member, usually with an end date) into the beredningsgrupp
 * and the arbetsgrupper — the policy decides, with the group's tier as
 * target, so the group is read first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "routes.h"
#include "sql_names.h"

static const struct jf_field group_fields[] = {
	{ .name = "slug", .type = JF_SLUG, .required = true },
	{ .name = "name", .type = JF_STRING, .required = true, .max = 200 },
	{ .name = "tier", .type = JF_ENUM, .required = true,
	  .choices = "styrgrupp|beredningsgrupp|arbetsgrupp" },
	{ .name = "municipality", .type = JF_SLUG, .nullable = true },
};

static void created(struct req *r, const struct db_result *res)
{
	char location[128];

	snprintf(location, sizeof location, "/v1/groups/%s", jf_str(r->body, "slug"));
	req_reply_row(r, res, 0, 201, "not created", location);
}

void h_group_create(struct req *r)
{
	if (!req_body_ok(r, group_fields, sizeof group_fields / sizeof group_fields[0]))
		return;
	const char *p[5] = { r->auth.actor.user_id, jf_str(r->body, "slug"), jf_str(r->body, "name"),
			     jf_str(r->body, "tier"), jf_str(r->body, "municipality") };
	req_write1(r, SQL_GROUP_CREATE, 5, p, created);
}

/* ---- memberships -------------------------------------------------------- */

static const struct jf_field member_fields[] = {
	{ .name = "role", .type = JF_ENUM, .choices = "member|chair|decision_maker" },
	{ .name = "until", .type = JF_DATE, .nullable = true },
};

static void member_saved(struct req *r, const struct db_result *res)
{
	json_t *doc = req_result_json(r, res, 0, "no membership"), *m;
	int created;
	char location[200];

	if (!doc)
		return;
	m = json_object_get(doc, "membership");
	if (!m) {
		json_decref(doc);
		req_problem(r, SVK_ERR_INTERNAL, "cannot read the membership");
		return;
	}
	created = json_is_true(json_object_get(doc, "created"));
	json_incref(m);
	json_decref(doc);
	snprintf(location, sizeof location, "/v1/groups/%s/members/%s", req_param(r, 0),
		 req_param(r, 1));
	req_reply_json(r, created ? 201 : 200, m, created ? location : NULL);
}

static void member_deleted(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	req_reply_empty(r, 204);
}

/* The group is known: may the actor change its members? */
static bool may_manage(struct req *r, const struct db_result *res, const char *role)
{
	const PGresult *pr = res->n > 0 ? res->res[0] : NULL;
	struct policy_target t = { 0 };

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return false;
	}
	if (!pr || PQntuples(pr) != 1) {
		req_problem(r, SVK_ERR_NOT_FOUND, "no such group");
		return false;
	}
	t.group = req_param(r, 0);
	t.group_tier = policy_tier_parse(PQgetvalue(pr, 0, 1));
	if (role && policy_role_parse(role, &t.role) != 0)
		t.role = ROLE_MEMBER;
	return req_allow(r, ACT_COOPT_MEMBER, &t);
}

static void group_loaded_for_put(struct req *r, const struct db_result *res)
{
	const char *role = jf_str(r->body, "role");

	if (!role)
		role = "member";
	if (!may_manage(r, res, role))
		return;
	const char *p[5] = { r->auth.actor.user_id, req_param(r, 0), req_param(r, 1), role,
			     jf_str(r->body, "until") };
	req_db1(r, SQL_MEMBER_PUT, 5, p, member_saved);
}

void h_member_put(struct req *r)
{
	if (!req_body_ok(r, member_fields, sizeof member_fields / sizeof member_fields[0]))
		return;
	const char *p[1] = { req_param(r, 0) };
	req_db1(r, SQL_GROUP_GET, 1, p, group_loaded_for_put);
}

static void group_loaded_for_delete(struct req *r, const struct db_result *res)
{
	if (!may_manage(r, res, NULL))
		return;
	const char *p[3] = { r->auth.actor.user_id, req_param(r, 0), req_param(r, 1) };
	req_db1(r, SQL_MEMBER_DELETE, 3, p, member_deleted);
}

void h_member_delete(struct req *r)
{
	const char *p[1] = { req_param(r, 0) };

	req_db1(r, SQL_GROUP_GET, 1, p, group_loaded_for_delete);
}
