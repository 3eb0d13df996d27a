/*
 * Script tokens one at a time: GET /v1/me/tokens (and the created token's
 * Location), DELETE /v1/me/tokens/{id}; an admin's GET and DELETE under
 * /v1/users/{username}/tokens. Never the token or its hash in a listing;
 * someone else's token is 404 like one that does not exist; a revocation
 * stops the token at once and is audited; last_used_at is written at most
 * once a minute. And the CLI's `tokens list` and `tokens revoke`.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_SHARED_SUITE_OPTS(tokens, e, &(struct env_opts){ .need_cli = true }, .timeout = 120);

struct made {
	const char *id, *token, *location;
};

static struct made token_make(const char *tok, const char *name)
{
	struct resp *r = http(&e, "POST", "/v1/me/tokens", tok,
			      jsonf(&e, "{s:s, s:i}", "name", name, "expires_in_days", 30));
	struct made m;

	cr_assert_eq(r->status, 201, "token %s: %s", name, resp_why(r));
	m.id = strf(&e, "%s", resp_str(r, "id"));
	m.token = strf(&e, "%s", resp_str(r, "token"));
	m.location = strf(&e, "%s", resp_header(r, "Location"));
	return m;
}

/* Whether the token authenticates. */
static bool works(const char *tok)
{
	long status = http(&e, "GET", "/v1/me", tok, NULL)->status;

	cr_assert(status == 200 || status == 401, "GET /v1/me: %ld", status);
	return status == 200;
}

static long revocations(void)
{
	return sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'token.revoke'");
}

static void expect_not_found(struct resp *r, const char *what)
{
	cr_expect_eq(r->status, 404, "%s: %s", what, resp_why(r));
	cr_expect_str_eq(resp_code(r), "not_found", "%s", what);
	cr_expect(!strstr(r->body, "anna.berg") && !strstr(r->body, "nightly"),
		  "%s says whose token it is: %s", what, r->body);
}

Test(tokens, a_user_lists_and_reads_their_script_tokens_without_secrets)
{
	const char *tok = user_in_group(&e, "anna.berg", "sigtuna", "est-sigtuna", "member");
	struct made a = token_make(tok, "nightly"), b = token_make(tok, "weekly");
	const char *hash;
	struct resp *r;
	json_t *item;

	/* The Location of a new token is where it is read. */
	cr_expect_str_eq(a.location, strf(&e, "/v1/me/tokens/%s", a.id));
	r = http(&e, "GET", a.location, tok, NULL);
	cr_expect_eq(r->status, 200, "GET the Location: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "id"), a.id);
	cr_expect_str_eq(resp_str(r, "name"), "nightly");
	cr_expect(!resp_get(r, "token") && !resp_get(r, "hash"), "a secret is shown: %s", r->body);

	r = http(&e, "GET", "/v1/me/tokens", tok, NULL);
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	/* Two script tokens; the login's session is not one of them. */
	cr_expect_eq(json_array_size(resp_get(r, "items")), 2, "%s", r->body);
	cr_expect_str_eq(resp_str(r, "items.0.id"), a.id);
	cr_expect_str_eq(resp_str(r, "items.1.id"), b.id);
	item = resp_get(r, "items.1");
	cr_expect(json_is_string(json_object_get(item, "created_at")) &&
		      json_is_string(json_object_get(item, "expires_at")) &&
		      json_object_get(item, "last_used_at"),
		  "%s", r->body);
	cr_expect_eq(json_object_size(item), 5, "more than id, name and the dates: %s", r->body);
	hash = sql_value(&e, "SELECT encode(hash, 'hex') FROM svk.tokens WHERE id = $1", a.id);
	cr_expect(!strstr(r->body, a.token) && !strstr(r->body, b.token) && !strstr(r->body, hash),
		  "a token or its hash is listed: %s", r->body);
}

/* Whether the token's last use is recorded as within the last `secs`
 * seconds ("-" for never used). */
static const char *used_within(const char *id, const char *secs)
{
	return sql_value(&e,
			 "SELECT CASE WHEN last_used_at IS NULL THEN '-' "
			 "WHEN last_used_at > now() - make_interval(secs => $2::int) THEN 'yes' "
			 "ELSE 'no' END FROM svk.tokens WHERE id = $1",
			 id, secs);
}

Test(tokens, using_a_token_records_when_at_most_once_a_minute)
{
	const char *tok = user_in_group(&e, "anna.berg", "sigtuna", "est-sigtuna", "member");
	struct made a = token_make(tok, "nightly");
	struct resp *r;

	cr_expect_str_eq(used_within(a.id, "60"), "-");
	r = http(&e, "GET", a.location, tok, NULL);
	cr_expect(json_is_null(resp_get(r, "last_used_at")), "%s", r->body);

	cr_assert(works(a.token));
	cr_expect_str_eq(used_within(a.id, "20"), "yes", "the use was not recorded");
	r = http(&e, "GET", "/v1/me/tokens", tok, NULL);
	cr_expect(json_is_string(resp_get(r, "items.0.last_used_at")), "%s", r->body);

	/* Used 40 seconds ago: no write. */
	cr_assert(sql_query(&e,
			    "UPDATE svk.tokens SET last_used_at = now() - interval '40 seconds' "
			    "WHERE id = $1",
			    a.id)
		      ->ok);
	cr_assert(works(a.token));
	cr_expect_str_eq(used_within(a.id, "39"), "no", "written again within a minute");
	/* Two minutes ago: written. */
	cr_assert(sql_query(&e,
			    "UPDATE svk.tokens SET last_used_at = now() - interval '2 minutes' "
			    "WHERE id = $1",
			    a.id)
		      ->ok);
	cr_assert(works(a.token));
	cr_expect_str_eq(used_within(a.id, "20"), "yes", "not written after a minute");
}

Test(tokens, a_user_revokes_their_own_token_and_no_one_elses)
{
	const char *anna = user_in_group(&e, "anna.berg", "sigtuna", "est-sigtuna", "member");
	const char *bo = user_in_group(&e, "bo.berg", "sigtuna", "est-sigtuna", "member");
	struct made a = token_make(anna, "nightly"), keep = token_make(anna, "weekly");
	const char *path = strf(&e, "/v1/me/tokens/%s", a.id);
	long before = revocations();
	struct resp *r;

	/* Bo cannot tell Anna's token from one that does not exist. */
	expect_not_found(http(&e, "DELETE", path, bo, NULL), "DELETE someone else's token");
	expect_not_found(http(&e, "GET", path, bo, NULL), "GET someone else's token");
	expect_not_found(
	    http(&e, "DELETE", "/v1/me/tokens/00000000-0000-4000-8000-000000000000", bo, NULL),
	    "DELETE a token that does not exist");
	expect_not_found(http(&e, "DELETE", "/v1/me/tokens/not-a-uuid", bo, NULL),
			 "DELETE a malformed id");
	cr_expect(works(a.token), "someone else revoked the token");
	cr_expect_eq(revocations(), before);
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.tokens WHERE revoked_at IS NOT NULL"),
		     0);

	r = http(&e, "DELETE", path, anna, NULL);
	cr_expect_eq(r->status, 204, "%s", resp_why(r));
	cr_expect(!works(a.token), "the revoked token still works");
	cr_expect(works(keep.token), "the other token stopped working");
	cr_expect(works(anna), "the session stopped working");
	cr_expect_eq(revocations(), before + 1);
	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM svk.audit WHERE action = 'token.revoke' "
		      "AND entity_id = $1 AND actor = 'anna.berg' AND before->>'name' = 'nightly'",
		      a.id),
	    1, "the revocation is not audited as Anna's");
	r = http(&e, "GET", "/v1/me/tokens", anna, NULL);
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
	cr_expect_str_eq(resp_str(r, "items.0.id"), keep.id);
	/* Once. */
	expect_not_found(http(&e, "DELETE", path, anna, NULL), "DELETE a revoked token");
	cr_expect_eq(revocations(), before + 1);
}

Test(tokens, an_admin_lists_and_revokes_anyones_tokens)
{
	const char *anna = user_in_group(&e, "anna.berg", "sigtuna", "est-sigtuna", "member");
	const char *bo = user_in_group(&e, "bo.berg", "sigtuna", "est-sigtuna", "member");
	struct made a = token_make(anna, "nightly");
	const char *path = strf(&e, "/v1/users/anna.berg/tokens/%s", a.id);
	const char *admin = admin_token(&e);
	long before = revocations();
	struct resp *r;

	/* Not for anyone else. */
	expect_refused_request(&e, "bo.berg", bo, "GET", "/v1/users/anna.berg/tokens", NULL,
			       "admin right");
	expect_refused_request(&e, "bo.berg", bo, "GET", path, NULL, "admin right");
	expect_refused_request(&e, "bo.berg", bo, "DELETE", path, NULL, "admin right");
	expect_refused_request(&e, "anna.berg", anna, "DELETE", path, NULL, "admin right");
	cr_expect(works(a.token));
	cr_expect_eq(revocations(), before);

	r = http(&e, "GET", "/v1/users/anna.berg/tokens", admin, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_eq(json_array_size(resp_get(r, "items")), 1, "%s", r->body);
	cr_expect_str_eq(resp_str(r, "items.0.id"), a.id);
	r = http(&e, "GET", path, admin, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "name"), "nightly");
	expect_not_found(http(&e, "GET", "/v1/users/no.such.user/tokens", admin, NULL),
			 "an unknown user's tokens");
	/* The token under another user is not found. */
	expect_not_found(
	    http(&e, "DELETE", strf(&e, "/v1/users/bo.berg/tokens/%s", a.id), admin, NULL),
	    "Anna's token under Bo");
	cr_expect(works(a.token));

	r = http(&e, "DELETE", path, admin, NULL);
	cr_expect_eq(r->status, 204, "%s", resp_why(r));
	cr_expect(!works(a.token), "the revoked token still works");
	cr_expect(works(anna), "Anna's session stopped working");
	cr_expect_eq(
	    sql_count(&e,
		      "SELECT count(*) FROM svk.audit WHERE action = 'token.revoke' "
		      "AND entity_id = $1 AND actor = 'admin' AND before->>'user' = 'anna.berg'",
		      a.id),
	    1, "the revocation is not audited as the admin's");
}

Test(tokens, the_cli_lists_and_revokes)
{
	const char *pw = user_create(&e, "anna.berg", "sigtuna");
	struct proc *p;
	const char *id, *token;
	json_t *v;

	member_add(&e, "est-sigtuna", "anna.berg", "member", NULL);
	p = cli(&e, "anna", pw, "login", "--username", "anna.berg", "--password-stdin");
	cr_assert_eq(p->status, 0, "login: %s", p->err);
	p = cli(&e, "anna", NULL, "--output", "json", "tokens", "create", "--name", "nightly",
		"--expires-in-days", "30");
	cr_assert_eq(p->status, 0, "tokens create: %s", p->err);
	v = env_keep(&e, json_loads(p->out, 0, NULL), (void (*)(void *))json_decref);
	cr_assert(v, "not JSON: %s", p->out);
	id = strf(&e, "%s", json_string_value(json_object_get(v, "id")));
	token = strf(&e, "%s", json_string_value(json_object_get(v, "token")));

	p = cli(&e, "anna", NULL, "--output", "table", "tokens", "list");
	cr_expect_eq(p->status, 0, "tokens list: %s", p->err);
	cr_expect(strstr(p->out, "ID") && strstr(p->out, "NAME") && strstr(p->out, "CREATED") &&
		      strstr(p->out, "EXPIRES") && strstr(p->out, "LAST USED"),
		  "the table's head: %s", p->out);
	cr_expect(strstr(p->out, id) && strstr(p->out, "nightly"), "%s", p->out);
	cr_expect(!strstr(p->out, token), "the token is listed: %s", p->out);

	/* --user is the admin's. */
	p = cli(&e, "anna", NULL, "tokens", "list", "--user", "admin");
	cr_expect_eq(p->status, 3, "tokens list --user as a member: %s", p->err);
	p = cli(&e, "admin", e.admin_password, "login", "--username", "admin", "--password-stdin");
	cr_assert_eq(p->status, 0, "admin login: %s", p->err);
	p = cli(&e, "admin", NULL, "--output", "table", "tokens", "list", "--user", "anna.berg");
	cr_expect_eq(p->status, 0, "tokens list --user: %s", p->err);
	cr_expect(strstr(p->out, id), "%s", p->out);
	p = cli(&e, "admin", NULL, "tokens", "revoke", id);
	cr_expect_eq(p->status, 4, "the admin's own token of that id: %s", p->err);
	cr_expect(works(token));

	p = cli(&e, "anna", NULL, "tokens", "revoke", id);
	cr_expect_eq(p->status, 0, "tokens revoke: %s", p->err);
	cr_expect(!works(token), "the revoked token still works");
	p = cli(&e, "anna", NULL, "tokens", "revoke", id);
	cr_expect_eq(p->status, 4, "revoked twice: %s", p->err);
	p = cli(&e, "anna", NULL, "--output", "json", "tokens", "list");
	cr_expect_eq(p->status, 0, "%s", p->err);
	cr_expect(!strstr(p->out, id), "a revoked token is listed: %s", p->out);
}

Test(tokens, the_cli_admin_revokes_with_user)
{
	const char *anna = user_in_group(&e, "anna.berg", "sigtuna", "est-sigtuna", "member");
	struct made a = token_make(anna, "nightly");
	struct proc *p;

	p = cli(&e, "admin", e.admin_password, "login", "--username", "admin", "--password-stdin");
	cr_assert_eq(p->status, 0, "admin login: %s", p->err);
	p = cli(&e, "admin", NULL, "tokens", "revoke", a.id, "--user", "bo.berg");
	cr_expect_eq(p->status, 4, "under an unknown user: %s", p->err);
	cr_expect(works(a.token));
	p = cli(&e, "admin", NULL, "tokens", "revoke", a.id, "--user", "anna.berg");
	cr_expect_eq(p->status, 0, "tokens revoke --user: %s", p->err);
	cr_expect(!works(a.token), "the revoked token still works");
}
