/*
 * Organisations: GET|POST /v1/organisations, GET /v1/organisations/{slug}.
 * Admins create them; everyone with a tier (or admin) reads them.
 */
#include <stdio.h>

#include "request.h"
#include "routes.h"

static void listed(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no result", NULL);
}

void h_org_list(struct req *r)
{
	char limit[16];
	int n = req_limit(r);

	if (n < 0)
		return;
	snprintf(limit, sizeof limit, "%d", n);
	const char *p[2] = { limit, req_query(r, "cursor") };
	req_db1(r, "org_list", 2, p, listed);
}

static void got(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no such organisation", NULL);
}

void h_org_get(struct req *r)
{
	const char *p[1] = { req_param(r, 0) };

	req_db1(r, "org_get", 1, p, got);
}

static const struct jf_field org_fields[] = {
	{ .name = "slug", .type = JF_SLUG, .required = true },
	{ .name = "name", .type = JF_STRING, .required = true, .max = 200 },
	{ .name = "kind", .type = JF_ENUM, .required = true,
	  .choices = "police|municipality|authority|housing|rescue|other" },
	{ .name = "party", .type = JF_BOOL },
};

static void created(struct req *r, const struct db_result *res)
{
	char location[128];

	snprintf(location, sizeof location, "/v1/organisations/%s", jf_str(r->body, "slug"));
	req_reply_row(r, res, 0, 201, "not created", location);
}

void h_org_create(struct req *r)
{
	if (!req_body_ok(r, org_fields, sizeof org_fields / sizeof org_fields[0]))
		return;
	const char *p[5] = { r->actor.user_id, jf_str(r->body, "slug"), jf_str(r->body, "name"),
			     jf_str(r->body, "kind"),
			     jf_bool(r->body, "party") == 1 ? "true" : "false" };
	req_db1(r, "org_create", 5, p, created);
}
