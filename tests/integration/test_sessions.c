/*
 * Sessions and tokens (SPEC §7 Authentication): login, its failures and
 * throttling, logout, script tokens and their mandatory expiry, expired and
 * disabled users' tokens, malformed credentials, and that only a token's
 * SHA-256 is ever stored.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_SHARED_INIT(start, e, NULL)
ENV_INIT(start_throttle_user, e, &(struct env_opts){ .login_max_failures = 3 })
ENV_INIT(start_throttle_address, e,
	 &(struct env_opts){ .login_max_failures = 100, .login_max_failures_address = 4 })
ENV_FINI(stop, e)

TestSuite(sessions, .fini = stop, .timeout = 120);

#define TOKEN_LEN 53

static struct resp *try_login(const char *username, const char *password)
{
	return http(&e, "POST", "/v1/sessions", NULL,
		    jsonf(&e, "{s:s, s:s}", "username", username, "password", password));
}

static void expect_unauthorized(const struct resp *r, const char *what)
{
	const char *www = resp_header(r, "WWW-Authenticate");

	cr_expect_eq(r->status, 401, "%s: %s", what, resp_why(r));
	cr_expect_str_eq(resp_code(r), "unauthorized", "%s: %s", what, resp_why(r));
	cr_expect(www && strncmp(www, "Bearer", 6) == 0,
		  "%s: 401 without WWW-Authenticate: Bearer (got %s)", what, www ? www : "none");
}

static long audit_count(const char *action, const char *entity_id)
{
	return sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = $1 AND entity_id = $2",
			 action, entity_id);
}

Test(sessions, login_gives_a_token_and_wrong_passwords_are_refused_and_audited, .init = start)
{
	struct resp *r = try_login("admin", e.admin_password);
	const char *tok = resp_str(r, "token");

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	cr_assert(tok, "no token in %s", r->body);
	cr_expect_eq(strlen(tok), TOKEN_LEN, "token %s is not %d characters", tok, TOKEN_LEN);
	cr_expect(strncmp(tok, "svk_", 4) == 0, "token %s does not start with svk_", tok);
	cr_expect(resp_str(r, "expires_at"), "no expires_at in %s", r->body);
	cr_expect_str_eq(resp_str(r, "user.username"), "admin");

	r = http(&e, "GET", "/v1/me", tok, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "user.username"), "admin");
	cr_expect(json_is_true(resp_get(r, "admin")), "GET /v1/me: admin is not true: %s", r->body);

	long before = audit_count("session.login_failed", "admin");
	r = try_login("admin", "not-the-password-at-all");
	expect_unauthorized(r, "wrong password");
	cr_expect_eq(audit_count("session.login_failed", "admin"), before + 1,
		     "a failed login left no session.login_failed audit row");

	/* An unknown user gets the same answer: usernames cannot be probed. */
	struct resp *unknown = try_login("nobody.here", "not-the-password-at-all");
	expect_unauthorized(unknown, "unknown user");
	cr_expect_str_eq(resp_str(unknown, "detail"), resp_str(r, "detail"));
	cr_expect_eq(audit_count("session.login_failed", "nobody.here"), 1);
	/* A session was recorded for the successful login only. */
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.tokens WHERE kind = 'session'"), 1);
}

Test(sessions, repeated_failures_for_one_username_are_throttled, .init = start_throttle_user)
{
	const char *admin = admin_token(&e);
	const char *pw = user_create(&e, "kalle.svensson", "sigtuna");
	struct resp *r;
	const char *retry;
	long secs;

	(void)admin;
	for (int i = 1; i <= 3; i++) {
		r = try_login("kalle.svensson", "wrong-password-123");
		cr_assert_eq(r->status, 401, "failure %d: %s", i, resp_why(r));
	}
	/* Now even the right password waits. */
	r = try_login("kalle.svensson", pw);
	cr_assert_eq(r->status, 429, "%s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "rate_limited");
	retry = resp_header(r, "Retry-After");
	cr_assert(retry, "429 without Retry-After");
	secs = strtol(retry, NULL, 10);
	cr_expect(secs >= 1 && secs <= 900, "Retry-After %s is not within the 900 s window", retry);
	/* Other usernames from the same address still log in. */
	r = try_login("admin", e.admin_password);
	cr_expect_eq(r->status, 201, "another username was throttled too: %s", resp_why(r));
}

Test(sessions, repeated_failures_from_one_address_are_throttled, .init = start_throttle_address)
{
	static const char *const names[] = { "anna", "bertil", "cesar", "david" };
	struct resp *r;

	for (size_t i = 0; i < 4; i++) {
		r = try_login(names[i], "wrong-password-123");
		cr_assert_eq(r->status, 401, "failure %zu: %s", i + 1, resp_why(r));
	}
	/* A fifth unknown username from the same address waits... */
	r = try_login("erik", "wrong-password-123");
	cr_assert_eq(r->status, 429, "%s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "rate_limited");
	cr_expect(resp_header(r, "Retry-After"), "429 without Retry-After");
	/* ...but the address-wide limit never refuses an existing user's right
	 * password: everyone behind a municipality's shared address would be
	 * locked out with the one who guessed. */
	r = try_login("admin", e.admin_password);
	cr_expect_eq(r->status, 201, "a correct login refused by the address limit: %s",
		     resp_why(r));
}

Test(sessions, logout_revokes_the_token, .init = start)
{
	const char *tok = login(&e, "admin", e.admin_password);
	struct resp *r = http(&e, "GET", "/v1/me", tok, NULL);

	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	r = http(&e, "DELETE", "/v1/sessions/current", tok, NULL);
	cr_assert_eq(r->status, 204, "%s", resp_why(r));
	expect_unauthorized(http(&e, "GET", "/v1/me", tok, NULL), "GET /v1/me after logout");
	expect_unauthorized(http(&e, "DELETE", "/v1/sessions/current", tok, NULL),
			    "a second logout");
	cr_expect_eq(
	    sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'session.revoke'"), 1);
}

Test(sessions, script_tokens_need_an_expiry_of_at_most_366_days, .init = start)
{
	const char *admin = admin_token(&e);
	static const struct {
		const char *body, *field;
	} bad[] = {
		{ "{\"name\":\"nightly import\"}", "expires_in_days" },
		{ "{\"name\":\"nightly import\",\"expires_in_days\":0}", "expires_in_days" },
		{ "{\"name\":\"nightly import\",\"expires_in_days\":367}", "expires_in_days" },
		{ "{\"name\":\"nightly import\",\"expires_in_days\":-1}", "expires_in_days" },
		{ "{\"name\":\"nightly import\",\"expires_in_days\":\"30\"}", "expires_in_days" },
		{ "{\"expires_in_days\":30}", "name" },
	};
	struct resp *r;
	const char *tok;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = http(&e, "POST", "/v1/me/tokens", admin, bad[i].body);
		cr_expect_eq(r->status, 422, "%s: %s", bad[i].body, resp_why(r));
		cr_expect_str_eq(resp_code(r), "validation", "%s", bad[i].body);
		cr_expect(resp_names_field(r, bad[i].field), "%s: errors do not name %s: %s",
			  bad[i].body, bad[i].field, r->body);
	}
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.tokens WHERE kind = 'script'"), 0);

	r = http(&e, "POST", "/v1/me/tokens", admin,
		 "{\"name\":\"nightly import\",\"expires_in_days\":366}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	tok = resp_str(r, "token");
	cr_assert(tok, "no token in %s", r->body);
	cr_expect_eq(strlen(tok), TOKEN_LEN);
	cr_expect(strncmp(tok, "svk_", 4) == 0, "token %s does not start with svk_", tok);
	cr_expect(resp_header(r, "Location"), "201 without Location");
	cr_expect_str_eq(resp_str(r, "name"), "nightly import");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.tokens WHERE kind = 'script' "
				   "AND name = 'nightly import' "
				   "AND expires_at BETWEEN now() + interval '365 days' "
				   "AND now() + interval '367 days'"),
		     1, "the script token does not expire in 366 days");

	tok = strf(&e, "%s", tok);
	r = http(&e, "GET", "/v1/me", tok, NULL);
	cr_expect_eq(r->status, 200, "the script token does not work: %s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "user.username"), "admin");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'token.create'"),
		     1);
}

/* Expires a token in the database, as time would. */
static void expire(const char *tok)
{
	cr_assert_eq(
	    sql_count(&e,
		      "WITH x AS (UPDATE svk.tokens SET expires_at = now() - interval '1 second' "
		      "WHERE hash = sha256(convert_to($1, 'UTF8')) RETURNING 1) "
		      "SELECT count(*) FROM x",
		      tok),
	    1, "no token row to expire");
}

Test(sessions, expired_tokens_are_refused, .init = start)
{
	const char *session = login(&e, "admin", e.admin_password);
	struct resp *r = http(&e, "POST", "/v1/me/tokens", session,
			      "{\"name\":\"report\",\"expires_in_days\":1}");
	const char *script;

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	script = strf(&e, "%s", resp_str(r, "token"));
	cr_assert_eq(http(&e, "GET", "/v1/me", script, NULL)->status, 200);

	expire(session);
	expire(script);
	expect_unauthorized(http(&e, "GET", "/v1/me", session, NULL), "expired session");
	expect_unauthorized(http(&e, "GET", "/v1/me", script, NULL), "expired script token");
}

Test(sessions, disabling_a_user_stops_their_tokens_at_once, .init = start)
{
	const char *pw = user_create(&e, "eva.lind", "sigtuna");
	const char *session, *script;
	struct resp *r;

	member_add(&e, "est-sigtuna", "eva.lind", "member", NULL);
	session = login(&e, "eva.lind", pw);
	r = http(&e, "POST", "/v1/me/tokens", session,
		 "{\"name\":\"import\",\"expires_in_days\":30}");
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	script = strf(&e, "%s", resp_str(r, "token"));
	cr_assert_eq(http(&e, "GET", "/v1/me", session, NULL)->status, 200);
	cr_assert_eq(http(&e, "GET", "/v1/organisations", script, NULL)->status, 200);

	r = http(&e, "PATCH", "/v1/users/eva.lind", admin_token(&e), "{\"active\":false}");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(json_is_false(resp_get(r, "active")), "PATCH answered %s", r->body);

	expect_unauthorized(http(&e, "GET", "/v1/me", session, NULL), "disabled user's session");
	expect_unauthorized(http(&e, "GET", "/v1/organisations", script, NULL),
			    "disabled user's script token");
	expect_unauthorized(try_login("eva.lind", pw), "disabled user's login");

	/* Enabling again does not bring the old tokens back. */
	r = http(&e, "PATCH", "/v1/users/eva.lind", admin_token(&e), "{\"active\":true}");
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	expect_unauthorized(http(&e, "GET", "/v1/me", session, NULL),
			    "re-enabled user's old session");
	expect_unauthorized(http(&e, "GET", "/v1/me", script, NULL), "re-enabled user's old token");
	cr_expect_eq(try_login("eva.lind", pw)->status, 201);
}

Test(sessions, malformed_credentials_are_refused, .init = start)
{
	const char *tok = login(&e, "admin", e.admin_password);
	char *bad_checksum = strf(&e, "%s", tok);
	char *bad_body = strf(&e, "%s", tok);
	const char *cases[] = {
		"Bearer",
		"Bearer ",
		"Basic YWRtaW46c2VjcmV0",
		strf(&e, "Token %s", tok),
		"Bearer svk_abc",
		strf(&e, "Bearer %sx", tok),
		strf(&e, "Bearer %.52s", tok),
		NULL, /* bad checksum, below */
		NULL, /* a well-formed token that was never issued, below */
	};
	size_t n = sizeof cases / sizeof cases[0];

	/* Change one character of the checksum, and one of the random part
	 * (then the checksum no longer matches either). */
	bad_checksum[TOKEN_LEN - 1] = bad_checksum[TOKEN_LEN - 1] == 'a' ? 'b' : 'a';
	bad_body[10] = bad_body[10] == 'a' ? 'b' : 'a';
	cases[n - 2] = strf(&e, "Bearer %s", bad_checksum);
	cases[n - 1] = strf(&e, "Bearer %s", bad_body);

	expect_unauthorized(http(&e, "GET", "/v1/me", NULL, NULL), "no Authorization");
	for (size_t i = 0; i < n; i++) {
		struct resp *r = http_send(
		    &e, &(struct http_req){ .path = "/v1/me", .authorization = cases[i] });
		expect_unauthorized(r, cases[i]);
	}
	/* The scheme is case-insensitive (RFC 9110). */
	struct resp *r = http_send(
	    &e,
	    &(struct http_req){ .path = "/v1/me", .authorization = strf(&e, "bearer %s", tok) });
	cr_expect_eq(r->status, 200, "lower-case scheme: %s", resp_why(r));
}

Test(sessions, only_the_sha256_of_a_token_is_stored, .init = start)
{
	const char *session = login(&e, "admin", e.admin_password);
	struct resp *r = http(&e, "POST", "/v1/me/tokens", session,
			      "{\"name\":\"backup\",\"expires_in_days\":7}");
	const char *tokens[2];
	FILE *f;
	char *log = NULL;
	size_t cap = 0;

	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	tokens[0] = session;
	tokens[1] = strf(&e, "%s", resp_str(r, "token"));
	for (int i = 0; i < 2; i++) {
		const char *t = tokens[i];
		cr_expect_eq(sql_count(&e,
				       "SELECT count(*) FROM svk.tokens "
				       "WHERE hash = sha256(convert_to($1, 'UTF8'))",
				       t),
			     1, "token %d is not stored as its SHA-256", i);
		/* Neither the token nor its secret part, in any column. */
		cr_expect_eq(sql_count(&e,
				       "SELECT count(*) FROM svk.tokens t "
				       "WHERE strpos(t::text, $1) > 0 OR strpos(t::text, $2) > 0",
				       t, t + 4),
			     0, "token %d appears in svk.tokens", i);
		cr_expect_eq(
		    sql_count(&e, "SELECT count(*) FROM svk.audit a WHERE strpos(a::text, $1) > 0",
			      t + 4),
		    0, "token %d appears in the audit log", i);
	}
	/* Nor in the daemon's log. */
	f = fopen(e.log, "r");
	cr_assert(f, "cannot read %s", e.log);
	cr_assert(getdelim(&log, &cap, '\0', f) >= 0 || feof(f), "cannot read %s", e.log);
	fclose(f);
	for (int i = 0; log && i < 2; i++)
		cr_expect(!strstr(log, tokens[i] + 4), "token %d appears in the daemon's log", i);
	free(log);
}
