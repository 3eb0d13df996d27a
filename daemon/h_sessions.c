/*
 * Sessions and tokens: POST /v1/sessions (login), DELETE
 * /v1/sessions/current (logout), GET /v1/me, POST /v1/me/tokens.
 *
 * Login is three steps: one query reads the throttle state and the
 * password hash; Argon2id verification runs on the work pool; then either
 * the session is created (with its audit entry) or the failure is counted
 * and audited. Throttled attempts are refused before any hashing.
 */
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "login.h"
#include "passwd.h"
#include "request.h"
#include "routes.h"
#include "sql_names.h"
#include "tls.h"
#include "token.h"

static const struct jf_field login_fields[] = {
	{ .name = "username", .type = JF_STRING, .required = true, .max = 200 },
	{ .name = "password", .type = JF_STRING, .required = true, .max = AUTH_PASSWORD_MAX },
};

static void int_str(char *out, size_t len, long v)
{
	snprintf(out, len, "%ld", v);
}

static void login_failure_recorded(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	r->auth.login->failed(r);
}

static void session_created(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	r->auth.login->created(r, res, r->pw ? r->pw->new_password : NULL);
}

/* ---- the API's answers ---------------------------------------------------- */

static void api_created(struct req *r, const struct db_result *res, const char *token)
{
	json_t *doc = req_result_json(r, res, 0, "no session");

	if (!doc)
		return;
	if (!token || json_object_set_new(doc, "token", json_string(token)) != 0) {
		json_decref(doc);
		req_problem(r, SVK_ERR_INTERNAL, "cannot build the session");
		return;
	}
	req_reply_json(r, 201, doc, "/v1/sessions/current");
}

static void api_failed(struct req *r)
{
	req_problem(r, SVK_ERR_UNAUTHORIZED, "wrong username or password");
}

static void api_throttled(struct req *r, const char *retry_after)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->ereq), "Retry-After", retry_after);
	req_problem(r, SVK_ERR_RATE_LIMITED,
		    "too many failed logins for this username or address; wait and try again");
}

static const struct login_outcome api_login = {
	.action = "POST /v1/sessions",
	.created = api_created,
	.failed = api_failed,
	.throttled = api_throttled,
};

/* ---- the login itself ----------------------------------------------------- */

/*
 * A failed login: counted for throttling, answered 401. One whose user
 * exists but belongs to another organisation than the client certificate
 * is also audited as a refusal of that user; the answer is the same, so
 * that a certificate cannot tell which usernames exist.
 */
static void login_failed(struct req *r)
{
	struct app *app = r->w->app;
	struct db_call calls[2] = { 0 };
	char window[16];
	int n = 0;

	int_str(window, sizeof window, app->cfg.login_window_seconds);
	if (r->auth.login_cert_mismatch) {
		calls[n].stmt = SQL_AUDIT_REFUSAL;
		calls[n].nparams = 3;
		calls[n].params[0] = r->auth.login_user_id;
		calls[n].params[1] = r->auth.login->action;
		calls[n].params[2] = "the client certificate was issued to another organisation";
		n++;
	}
	calls[n].stmt = SQL_LOGIN_FAILED;
	calls[n].nparams = 3;
	calls[n].params[0] = jf_str(r->body, "username");
	calls[n].params[1] = r->addr;
	calls[n].params[2] = window;
	n++;
	req_db(r, calls, n, login_failure_recorded);
}

static void password_checked(struct req *r, struct pw_job *job)
{
	struct app *app = r->w->app;
	char hours[16], hash[TOKEN_HASH_HEX_LEN + 1];
	const char *user_id = r->auth.login_user_id;

	sodium_memzero(job->password, sizeof job->password);
	if (!job->verified || !user_id[0] || r->auth.login_cert_mismatch) {
		login_failed(r);
		return;
	}
	/* The new token travels in the job until the answer is sent. */
	if (token_generate(job->new_password, sizeof job->new_password) != 0 ||
	    token_hash_hex(job->new_password, strlen(job->new_password), hash, sizeof hash) != 0) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot make a token");
		return;
	}
	int_str(hours, sizeof hours, app->cfg.session_hours);
	const char *p[4] = { user_id, hash, hours, r->addr };
	req_db1(r, SQL_SESSION_CREATE, 4, p, session_created);
}

static void login_looked_up(struct req *r, const struct db_result *res)
{
	const PGresult *pr = res->n > 0 ? res->res[0] : NULL;
	struct pw_job *job;
	const char *retry, *user_id, *hash, *org;

	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	if (!pr || PQntuples(pr) != 1) {
		req_problem(r, SVK_ERR_INTERNAL, "login lookup returned nothing");
		return;
	}
	retry = db_get(pr, 0, 0);
	if (retry && strcmp(retry, "0") != 0) {
		r->auth.login->throttled(r, retry);
		return;
	}
	user_id = db_get(pr, 0, 1);
	hash = db_get(pr, 0, 2);
	org = db_get(pr, 0, 3);
	if (user_id && strlen(user_id) < sizeof r->auth.login_user_id)
		snprintf(r->auth.login_user_id, sizeof r->auth.login_user_id, "%s", user_id);
	if (r->auth.login_user_id[0] && tls_mutual(r->w->app->tls)) {
		char cert_org[POLICY_SLUG_MAX];
		/* Refused after the same password work as any failed login. */
		r->auth.login_cert_mismatch = !r->conn ||
					      tls_peer_organisation(r->conn->bev, cert_org,
								    sizeof cert_org) != 0 ||
					      !org || strcmp(cert_org, org) != 0;
	}
	job = passwd_job(r);
	if (!job)
		return;
	snprintf(job->password, sizeof job->password, "%s", jf_str(r->body, "password"));
	if (hash && strlen(hash) < sizeof job->stored && !r->auth.login_cert_mismatch)
		snprintf(job->stored, sizeof job->stored, "%s", hash);
	passwd_run(r, job, password_checked);
}

void login_start(struct req *r, const struct login_outcome *out)
{
	struct app *app = r->w->app;
	char max_user[16], max_addr[16], window[16];

	r->auth.login = out;
	int_str(max_user, sizeof max_user, app->cfg.login_max_failures);
	int_str(max_addr, sizeof max_addr, app->cfg.login_max_failures_address);
	int_str(window, sizeof window, app->cfg.login_window_seconds);
	const char *p[5] = { jf_str(r->body, "username"), r->addr, max_user, max_addr, window };
	req_db1(r, SQL_LOGIN_LOOKUP, 5, p, login_looked_up);
}

void h_session_create(struct req *r)
{
	if (!req_body_ok(r, login_fields, sizeof login_fields / sizeof login_fields[0]))
		return;
	login_start(r, &api_login);
}

static void session_revoked(struct req *r, const struct db_result *res)
{
	if (res->err != SVK_OK) {
		req_reply_db_error(r, res);
		return;
	}
	req_reply_empty(r, 204);
}

void h_session_delete(struct req *r)
{
	const char *p[2] = { r->auth.actor.user_id, r->auth.actor.token_id };

	req_db1(r, SQL_SESSION_REVOKE, 2, p, session_revoked);
}

/* The actions the actor may take somewhere, for GET /v1/me. */
static json_t *actions_json(const struct actor *a)
{
	json_t *list = json_array();
	const struct policy_actor *p = &a->p;

	if (!list)
		return NULL;
	for (int act = 0; act < ACT__COUNT; act++) {
		struct policy_target t = { 0 };
		bool ok;

		/* A check on a field's value, not an action a user takes. */
		if (act == ACT_NAME_SOURCE)
			continue;
		ok = policy_check(p, (enum policy_action)act, NULL, NULL);

		/* Target-dependent rights: try the targets the actor's own
		 * memberships and organisation make possible. */
		for (size_t i = 0; !ok && i < p->n_memberships; i++) {
			t.municipality = p->memberships[i].municipality;
			t.group = p->memberships[i].group;
			t.organisation = p->organisation;
			ok = policy_check(p, (enum policy_action)act, &t, NULL);
		}
		if (!ok) {
			t.organisation = p->organisation;
			ok = policy_check(p, (enum policy_action)act, &t, NULL);
		}
		if (ok)
			json_array_append_new(
			    list, json_string(policy_action_name((enum policy_action)act)));
	}
	return list;
}

void h_me_loaded(struct req *r, const struct db_result *res)
{
	json_t *doc = req_result_json(r, res, 0, "the user no longer exists");
	const char *tier;

	if (!doc)
		return;
	tier = policy_tier_name(policy_tier(&r->auth.actor.p));
	json_object_set_new(doc, "tier", tier ? json_string(tier) : json_null());
	json_object_set_new(doc, "admin", json_boolean(r->auth.actor.p.admin));
	json_object_set_new(doc, "actions", actions_json(&r->auth.actor));
	req_reply_json(r, 200, doc, NULL);
}

static const struct jf_field token_fields[] = {
	{ .name = "name", .type = JF_STRING, .required = true, .max = 100 },
	{ .name = "expires_in_days", .type = JF_INT, .required = true, .min = 1, .max = 366 },
};

static void token_created(struct req *r, const struct db_result *res)
{
	json_t *doc = req_result_json(r, res, 0, "no token");
	char location[96];

	if (!doc)
		return;
	if (json_object_set_new(doc, "token", json_string(r->secret)) != 0) {
		json_decref(doc);
		req_problem(r, SVK_ERR_INTERNAL, "cannot build the token");
		return;
	}
	snprintf(location, sizeof location, "/v1/me/tokens/%s",
		 json_string_value(json_object_get(doc, "id")));
	req_reply_json(r, 201, doc, location);
}

void h_token_create(struct req *r)
{
	char hash[TOKEN_HASH_HEX_LEN + 1], days[16];

	if (!req_body_ok(r, token_fields, sizeof token_fields / sizeof token_fields[0]))
		return;
	if (token_generate(r->secret, sizeof r->secret) != 0 ||
	    token_hash_hex(r->secret, strlen(r->secret), hash, sizeof hash) != 0) {
		req_problem(r, SVK_ERR_INTERNAL, "cannot make a token");
		return;
	}
	int_str(days, sizeof days,
		(long)json_integer_value(json_object_get(r->body, "expires_in_days")));
	const char *p[4] = { r->auth.actor.user_id, hash, jf_str(r->body, "name"), days };
	req_write1(r, SQL_TOKEN_CREATE, 4, p, token_created);
}
