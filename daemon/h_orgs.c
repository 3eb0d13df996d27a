/*
 * Organisations: GET|POST /v1/organisations, GET /v1/organisations/{slug}.
 * Admins create them; everyone with a tier (or admin) reads them.
 */
#include <stdio.h>

#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "vocab.h"

const struct jf_field org_fields[] = {
	{ .name = "slug", .type = JF_SLUG, .required = true },
	{ .name = "name", .type = JF_STRING, .required = true, .max = 200 },
	{ .name = "kind", .type = JF_ENUM, .required = true, .choices = VOCAB_ORG_KINDS },
	{ .name = "party", .type = JF_BOOL },
};
const size_t org_fields_count = sizeof org_fields / sizeof org_fields[0];

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
	const char *p[5] = { r->auth.actor.user_id, jf_str(r->body, "slug"),
			     jf_str(r->body, "name"), jf_str(r->body, "kind"),
			     jf_bool(r->body, "party") == 1 ? "true" : "false" };
	req_write1(r, SQL_ORG_CREATE, 5, p, created);
}
