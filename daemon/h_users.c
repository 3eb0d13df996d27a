/*
 * Users: GET|POST /v1/users, GET|PATCH /v1/users/{username},
 * POST /v1/users/{username}/password; PATCH /v1/me (one's own e-mail
 * address and notification preference).
 *
 * A new user gets the password the admin gives, or a generated one that
 * is shown once in the answer. Disabling a user (PATCH active=false)
 * revokes every token in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "passwd.h"
#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "validate.h"

const struct jf_field user_fields[] = {
	{ .name = "username", .type = JF_USERNAME, .required = true },
	{ .name = "display_name", .type = JF_STRING, .required = true, .max = 200 },
	{ .name = "organisation", .type = JF_SLUG, .required = true },
	{ .name = "password", .type = JF_STRING, .max = AUTH_PASSWORD_MAX },
	{ .name = "admin", .type = JF_BOOL },
};
const size_t user_fields_count = sizeof user_fields / sizeof user_fields[0];

static void user_created(struct req *r, const struct db_result *res)
{
	struct pw_job *job = r->pw;
	json_t *doc = req_result_json(r, res, 0, "no user");
	char location[128];

	if (!doc)
		return;
	/* A generated password is shown exactly once, here. */
	if (!json_object_get(r->body, "password"))
		json_object_set_new(doc, "password", json_string(job->new_password));
	snprintf(location, sizeof location, "/v1/users/%s", jf_str(r->body, "username"));
	req_reply_json(r, 201, doc, location);
}

static void user_hashed(struct req *r, struct pw_job *job)
{
	if (!job->hashed) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot hash the password");
		return;
	}
	const char *p[6] = { r->auth.actor.user_id,
			     jf_str(r->body, "username"),
			     jf_str(r->body, "display_name"),
			     jf_str(r->body, "organisation"),
			     jf_bool(r->body, "admin") == 1 ? "true" : "false",
			     job->new_hash };
	req_write1(r, SQL_USER_CREATE, 6, p, user_created);
}

void h_user_create(struct req *r)
{
	const char *given, *why = NULL;
	struct pw_job *job;

	if (!req_body_ok(r, user_fields, sizeof user_fields / sizeof user_fields[0]))
		return;
	given = jf_str(r->body, "password");
	if (given && !validate_password(given, &why)) {
		req_problem_field(r, "password", why ? why : "is not acceptable");
		return;
	}
	job = passwd_job(r);
	if (!job)
		return;
	if (given)
		snprintf(job->new_password, sizeof job->new_password, "%s", given);
	else
		admin_random_password(job->new_password, GENERATED_PASSWORD_LEN);
	passwd_run(r, job, user_hashed);
}

#define NOTIFY_CHOICES "immediate|daily|off"

static const struct jf_field patch_fields[] = {
	{ .name = "display_name", .type = JF_STRING, .max = 200 },
	{ .name = "active", .type = JF_BOOL },
	{ .name = "admin", .type = JF_BOOL },
	{ .name = "email", .type = JF_STRING, .nullable = true, .empty = true, .max = 254 },
	{ .name = "notify", .type = JF_ENUM, .choices = NOTIFY_CHOICES },
};

static const struct jf_field me_patch_fields[] = {
	{ .name = "email", .type = JF_STRING, .nullable = true, .empty = true, .max = 254 },
	{ .name = "notify", .type = JF_ENUM, .choices = NOTIFY_CHOICES },
};

/*
 * The email parameter: NULL when not given, "" to remove the address
 * (null or ""), else the address; false (answered 422) when it is not one.
 */
static bool email_param(struct req *r, const char **out)
{
	json_t *v = json_object_get(r->body, "email");
	const char *s = json_string_value(v);

	*out = NULL;
	if (!v)
		return true;
	if (!s || !*s) {
		*out = "";
		return true;
	}
	if (!validate_email(s)) {
		req_problem_field(r, "email", "is not an e-mail address (name@example.se)");
		return false;
	}
	*out = s;
	return true;
}

static const char *bool_param(int v)
{
	return v < 0 ? NULL : v ? "true" : "false";
}

static void patched(struct req *r, const struct db_result *res)
{
	req_reply_row(r, res, 0, 200, "no such user", NULL);
}

void h_user_patch(struct req *r)
{
	const char *email;

	if (!req_body_ok(r, patch_fields, sizeof patch_fields / sizeof patch_fields[0]))
		return;
	if (json_object_size(r->body) == 0) {
		req_problem_field(
		    r, "body", "give at least one of display_name, active, admin, email, notify");
		return;
	}
	if (!email_param(r, &email))
		return;
	const char *p[8] = { r->auth.actor.user_id,
			     req_param(r, 0),
			     jf_str(r->body, "display_name"),
			     bool_param(jf_bool(r->body, "active")),
			     bool_param(jf_bool(r->body, "admin")),
			     req_if_match(r),
			     email,
			     jf_str(r->body, "notify") };
	req_write1(r, SQL_USER_UPDATE, 8, p, patched);
}

/* One's own address and preference; the answer is the user. */
void h_me_patch(struct req *r)
{
	const char *email;

	if (!req_body_ok(r, me_patch_fields, sizeof me_patch_fields / sizeof me_patch_fields[0]))
		return;
	if (json_object_size(r->body) == 0) {
		req_problem_field(r, "body", "give at least one of email, notify");
		return;
	}
	if (!email_param(r, &email))
		return;
	const char *p[8] = {
		r->auth.actor.user_id,    r->auth.actor.username, NULL, NULL, NULL, NULL, email,
		jf_str(r->body, "notify")
	};
	req_write1(r, SQL_USER_UPDATE, 8, p, patched);
}

const struct jf_field password_fields[] = {
	{ .name = "password", .type = JF_STRING, .required = true, .max = AUTH_PASSWORD_MAX },
	{ .name = "current_password", .type = JF_STRING, .max = AUTH_PASSWORD_MAX },
};
const size_t password_fields_count = sizeof password_fields / sizeof password_fields[0];

static void password_set(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	req_reply_empty(r, 204);
}

static void password_hashed(struct req *r, struct pw_job *job)
{
	bool own = strcmp(req_param(r, 0), r->auth.actor.username) == 0;

	if (own && !job->verified) {
		req_problem_field(r, "current_password", "is not the current password");
		return;
	}
	if (!job->hashed) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot hash the password");
		return;
	}
	/* Changing one's own password keeps the session in use; an admin's
	 * reset ends every session of the user. */
	const char *p[4] = { r->auth.actor.user_id, req_param(r, 0), job->new_hash,
			     own ? r->auth.actor.token_id : NULL };
	req_write1(r, SQL_USER_SET_PASSWORD, 4, p, password_set);
}

static void current_hash_loaded(struct req *r, const struct db_result *res)
{
	struct pw_job *job = r->pw;
	const char *hash;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	hash = req_result_text(res, 0);
	if (hash && strlen(hash) < sizeof job->stored)
		snprintf(job->stored, sizeof job->stored, "%s", hash);
	passwd_run(r, job, password_hashed);
}

void h_user_password(struct req *r)
{
	const char *target = req_param(r, 0), *why = NULL, *current;
	bool own = strcmp(target, r->auth.actor.username) == 0;
	struct pw_job *job;

	if (!own && !req_allow(r, ACT_ADMIN, NULL))
		return;
	if (!req_body_ok(r, password_fields, sizeof password_fields / sizeof password_fields[0]))
		return;
	current = jf_str(r->body, "current_password");
	if (own && !current) {
		req_problem_field(r, "current_password", "is required to change your own password");
		return;
	}
	if (!validate_password(jf_str(r->body, "password"), &why)) {
		req_problem_field(r, "password", why ? why : "is not acceptable");
		return;
	}
	job = passwd_job(r);
	if (!job)
		return;
	snprintf(job->new_password, sizeof job->new_password, "%s", jf_str(r->body, "password"));
	if (!own) {
		passwd_run(r, job, password_hashed);
		return;
	}
	snprintf(job->password, sizeof job->password, "%s", current);
	const char *p[1] = { target };
	req_db1(r, SQL_USER_PASSWORD_HASH, 1, p, current_hash_loaded);
}
