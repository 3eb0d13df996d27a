/*
 * Groups and memberships: GET|POST /v1/groups, GET /v1/groups/{slug},
 * GET /v1/groups/{slug}/members, PUT|DELETE /v1/groups/{slug}/members/{u}.
 *
 * Admins manage every group. A chair of the beredningsgrupp may co-opt
 * members (role member, with a mandatory end date within the agreement)
 * into the beredningsgrupp and the arbetsgrupper, and change the end date
 * of or remove only the memberships they co-opted: the policy decides the
 * standing right, svk.member_put and svk.member_delete the rest under the
 * rows' locks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "routes.h"
#include "sql_names.h"

const struct jf_field group_fields[] = {
	{ .name = "slug", .type = JF_SLUG, .required = true },
	{ .name = "name", .type = JF_STRING, .required = true, .max = 200 },
	{ .name = "tier",
	  .type = JF_ENUM,
	  .required = true,
	  .choices = "styrgrupp|beredningsgrupp|arbetsgrupp" },
	{ .name = "municipality", .type = JF_SLUG, .nullable = true },
};
const size_t group_fields_count = sizeof group_fields / sizeof group_fields[0];

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
	const char *p[5] = { r->auth.actor.user_id, jf_str(r->body, "slug"),
			     jf_str(r->body, "name"), jf_str(r->body, "tier"),
			     jf_str(r->body, "municipality") };
	req_write1(r, SQL_GROUP_CREATE, 5, p, created);
}

/* ---- memberships -------------------------------------------------------- */

const struct jf_field member_fields[] = {
	{ .name = "role", .type = JF_ENUM, .choices = "member|chair|decision_maker" },
	{ .name = "until", .type = JF_DATE, .nullable = true },
};
const size_t member_fields_count = sizeof member_fields / sizeof member_fields[0];

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

/*
 * May the actor change the members of a group at all, and with this role?
 * The policy knows the actor: an admin manages memberships, a chair of the
 * beredningsgrupp co-opts plain members. Which groups a chair may co-opt
 * into, which memberships are theirs and the bounds of until are the
 * target's facts, checked by member_put and member_delete under the rows'
 * locks; as_chair tells them the actor acts as a chair.
 */
static bool may_manage(struct req *r, const char *role, const char **as_chair)
{
	struct policy_target t = { .group = req_param(r, 0) };

	if (role && policy_role_parse(role, &t.role) != 0)
		t.role = ROLE_MEMBER;
	if (!req_allow(r, ACT_COOPT_MEMBER, &t))
		return false;
	*as_chair = r->auth.actor.p.admin ? "false" : "true";
	return true;
}

/* A refusal from under the group's lock is audited like any other. */
static bool refused_under_lock(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_ERR_FORBIDDEN)
		return false;
	req_forbidden(r, res->message ? res->message : "forbidden");
	return true;
}

static void member_saved_or_refused(struct req *r, const struct db_result *res)
{
	if (!refused_under_lock(r, res))
		member_saved(r, res);
}

static void member_deleted_or_refused(struct req *r, const struct db_result *res)
{
	if (!refused_under_lock(r, res))
		member_deleted(r, res);
}

void h_member_put(struct req *r)
{
	const char *role, *as_chair;

	if (!req_body_ok(r, member_fields, sizeof member_fields / sizeof member_fields[0]))
		return;
	role = jf_str(r->body, "role");
	if (!role)
		role = "member";
	if (!may_manage(r, role, &as_chair))
		return;
	const char *p[6] = { r->auth.actor.user_id,    req_param(r, 0), req_param(r, 1), role,
			     jf_str(r->body, "until"), as_chair };
	req_db1(r, SQL_MEMBER_PUT, 6, p, member_saved_or_refused);
}

void h_member_delete(struct req *r)
{
	const char *as_chair;

	if (!may_manage(r, NULL, &as_chair))
		return;
	const char *p[4] = { r->auth.actor.user_id, req_param(r, 0), req_param(r, 1), as_chair };
	req_db1(r, SQL_MEMBER_DELETE, 4, p, member_deleted_or_refused);
}
