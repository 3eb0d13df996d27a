/*
 * Organisations: GET|POST /v1/organisations, GET /v1/organisations/{slug}.
 * Admins create them; everyone with a tier (or admin) reads them.
 */
#include <stdio.h>

#include "request.h"
#include "routes.h"

void h_org_listed(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no result", NULL);
}

int q_org_list(struct req *r, struct db_call *c)
{
	int n = req_limit_value(r);

	if (n < 0)
		return -1;
	snprintf(r->qbuf[0], sizeof r->qbuf[0], "%d", n);
	c->stmt = "org_list";
	c->nparams = 2;
	c->params[0] = r->qbuf[0];
	c->params[1] = req_query(r, "cursor");
	return 0;
}

void h_org_got(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no such organisation", NULL);
}

int q_org_get(struct req *r, struct db_call *c)
{
	c->stmt = "org_get";
	c->nparams = 1;
	c->params[0] = req_param(r, 0);
	return 0;
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
	req_write1(r, "org_create", 5, p, created);
}
