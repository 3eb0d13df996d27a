/*
 * TLS as a client meets it: the intermediate and modern profiles' protocol
 * versions, no compression and no renegotiation; mutual TLS tying a user
 * to their organisation's certificate (refusals audited); and the
 * X-Request-Id every answer carries.
 */
#include <criterion/criterion.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robust_util.h"

static struct env e;

ENV_FINI(stop, e)

TestSuite(robust, .fini = stop, .timeout = 120);

ENV_INIT(start, e, NULL)
ENV_INIT(start_modern, e, &(struct env_opts){ .tls_profile = "modern" })

/* ---- TLS profiles ------------------------------------------------------------ */

/* A connection limited to one protocol version; whether it is served. */
static struct tc *connect_version(int version)
{
	return tc_connect(&e, &(struct tc_opts){ .min_version = version, .max_version = version });
}

static void expect_served(struct tc *c, const char *what)
{
	struct resp *r;

	cr_assert(c->ok, "%s: the handshake failed: %s", what, c->err);
	cr_assert(tc_send_str(c, raw_get(&e, "/livez", NULL)), "%s: %s", what, c->err);
	r = tc_response(&e, c, 5000);
	cr_expect_eq(r->status, 200, "%s: %s", what, resp_why(r));
}

Test(robust, the_intermediate_profile_takes_tls_1_2_and_1_3_without_compression_or_renegotiation,
     .init = start)
{
	struct tc *c12 = connect_version(TLS1_2_VERSION);
	struct tc *c13 = connect_version(TLS1_3_VERSION);
	SSL *ssl;
	int rc;

	expect_served(c12, "TLS 1.2");
	expect_served(c13, "TLS 1.3");
	cr_expect_eq(SSL_version(c12->ssl), TLS1_2_VERSION);
	cr_expect_eq(SSL_version(c13->ssl), TLS1_3_VERSION);
	cr_expect_null(SSL_get_current_compression(c12->ssl), "TLS 1.2 uses compression");
	cr_expect_null(SSL_get_current_compression(c13->ssl), "TLS 1.3 uses compression");
	/* An AEAD cipher (the profile has no CBC suites). */
	cr_expect(strstr(SSL_get_cipher_name(c12->ssl), "GCM") ||
		      strstr(SSL_get_cipher_name(c12->ssl), "CHACHA20"),
		  "TLS 1.2 negotiated %s", SSL_get_cipher_name(c12->ssl));

	/* A client-initiated renegotiation (TLS 1.2) is not taken: the server
	 * answers with a no_renegotiation alert (or ignores the request). */
	ssl = c12->ssl;
	rc = SSL_renegotiate(ssl);
	cr_assert_eq(rc, 1, "the client cannot even ask to renegotiate");
	{
		long deadline = mono_ms() + 5000;
		bool refused = false; /* the client's renegotiation did not complete */
		for (;;) {
			int r = SSL_do_handshake(ssl), err;
			if (r == 1)
				break;
			err = SSL_get_error(ssl, r);
			if ((err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) &&
			    mono_ms() < deadline) {
				/* The server answers the request for renegotiation
				 * (an alert) or with data; read either. */
				if (tc_fill(c12, 200) == 0) {
					refused = true;
					break;
				}
				continue;
			}
			refused = true;
			break;
		}
		cr_expect(refused || SSL_renegotiate_pending(ssl),
			  "the server renegotiated with the client");
	}
}

Test(robust, the_modern_profile_refuses_tls_1_2_and_takes_tls_1_3, .init = start_modern)
{
	struct tc *c12 = connect_version(TLS1_2_VERSION);
	struct tc *c13 = connect_version(TLS1_3_VERSION);

	cr_expect(!c12->ok, "a TLS 1.2-only client completed a handshake with the modern profile");
	expect_served(c13, "TLS 1.3");
	cr_expect_null(SSL_get_current_compression(c13->ssl), "TLS 1.3 uses compression");
}

/* ---- mutual TLS ------------------------------------------------------------------ */

static const char *police_crt, *police_key;

static void start_mutual(void)
{
	env_start(&e, &(struct env_opts){ .mutual_tls = true });
	env_client_cert(&e, "polisen", &police_crt, &police_key);
}

static struct resp *send_as(const char *crt, const char *key, const char *method, const char *path,
			    const char *tok, const char *body)
{
	return http_send(&e, &(struct http_req){ .method = method,
						 .path = path,
						 .token = tok,
						 .body = body,
						 .cert = crt,
						 .key = key,
						 .fresh_connection = true });
}

static struct resp *login_as(const char *crt, const char *key, const char *user, const char *pw)
{
	return send_as(crt, key, "POST", "/v1/sessions", NULL,
		       jsonf(&e, "{s:s, s:s}", "username", user, "password", pw));
}

Test(robust, mutual_tls_refuses_a_login_over_another_organisations_certificate,
     .init = start_mutual)
{
	const char *sig_crt, *sig_key, *admin, *pw, *tok;
	struct resp *r;
	struct tc *bare;
	long refusals;

	env_client_cert(&e, "sigtuna", &sig_crt, &sig_key);

	/* No certificate, no connection. */
	r = http_send(&e, &(struct http_req){ .path = "/livez", .fresh_connection = true });
	cr_expect_eq(r->status, 0, "a client without a certificate was answered: %s", resp_why(r));
	bare = tc_connect(&e, NULL);
	if (bare->ok) {
		/* TLS 1.3: the client finishes first; the server's refusal
		 * arrives as an alert instead of an answer. */
		if (tc_send_str(bare, raw_get(&e, "/livez", NULL)))
			cr_expect_eq(tc_response(&e, bare, 5000)->status, 0,
				     "a client without a certificate was answered over raw TLS");
	}

	/* The admin of polisen with polisen's certificate. */
	r = login_as(police_crt, police_key, "admin", e.admin_password);
	cr_assert_eq(r->status, 201, "admin with the polisen certificate: %s", resp_why(r));
	admin = strf(&e, "%s", resp_str(r, "token"));

	r = send_as(police_crt, police_key, "POST", "/v1/users", admin,
		    jsonf(&e, "{s:s, s:s, s:s}", "username", "siv.sigtuna", "display_name",
			  "Siv Sigtuna", "organisation", "sigtuna"));
	cr_assert_eq(r->status, 201, "create a sigtuna user: %s", resp_why(r));
	pw = strf(&e, "%s", resp_str(r, "password"));
	r = send_as(police_crt, police_key, "PUT", "/v1/groups/est-sigtuna/members/siv.sigtuna",
		    admin, "{\"role\":\"member\"}");
	cr_assert(r->status == 201 || r->status == 200, "add to est-sigtuna: %s", resp_why(r));

	/* A sigtuna user with polisen's certificate: refused and audited,
	 * with the very answer an unknown username gets, so that a
	 * certificate cannot tell which usernames exist. */
	refusals = sql_count(&e, "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
				 "AND actor = 'siv.sigtuna'");
	r = login_as(police_crt, police_key, "siv.sigtuna", pw);
	cr_expect_eq(r->status, 401, "sigtuna user, polisen certificate: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "unauthorized", "%s", resp_why(r));
	cr_expect(!resp_str(r, "token"), "a token was given out: %s", r->body);
	{
		const char *detail = strf(&e, "%s", resp_str(r, "detail"));
		struct resp *unknown = login_as(police_crt, police_key, "nobody.sigtuna", pw);

		cr_expect_eq(unknown->status, 401, "unknown user: %s", resp_why(unknown));
		cr_expect_str_eq(resp_str(unknown, "detail"), detail,
				 "an unknown username is answered differently");
	}
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND actor = 'siv.sigtuna'"),
		     refusals + 1, "the refusal was not audited");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.tokens t JOIN svk.users u "
				   "ON u.id = t.user_id WHERE u.username = 'siv.sigtuna'"),
		     0, "a session was made for the refused login");

	/* With sigtuna's own certificate it works. */
	r = login_as(sig_crt, sig_key, "siv.sigtuna", pw);
	cr_assert_eq(r->status, 201, "sigtuna user, sigtuna certificate: %s", resp_why(r));
	tok = strf(&e, "%s", resp_str(r, "token"));
	r = send_as(sig_crt, sig_key, "GET", "/v1/organisations", tok, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));

	/* A token does not travel to another organisation's certificate. */
	r = send_as(police_crt, police_key, "GET", "/v1/organisations", tok, NULL);
	cr_expect_eq(r->status, 403, "sigtuna token over the polisen certificate: %s", resp_why(r));
	r = send_as(sig_crt, sig_key, "GET", "/v1/organisations", admin, NULL);
	cr_expect_eq(r->status, 403, "admin token over the sigtuna certificate: %s", resp_why(r));
}

/* ---- X-Request-Id ------------------------------------------------------------------ */

static const char *request_id(const char *given, struct resp **out)
{
	struct resp *r = http_send(
	    &e, &(struct http_req){
		    .path = "/v1/me",
		    .headers = { given ? strf(&e, "X-Request-Id: %s", given) : NULL } });
	const char *id = resp_header(r, "X-Request-Id");

	cr_assert_eq(r->status, 401, "%s", resp_why(r));
	cr_assert(id, "no X-Request-Id in the answer");
	/* The problem document names the same id. */
	cr_expect_str_eq(resp_str(r, "request_id") ? resp_str(r, "request_id") : "", id);
	*out = r;
	return id;
}

static bool plain_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 40)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.",
			    id[i]))
			return false;
	return true;
}

Test(robust, x_request_id_is_made_echoed_or_replaced, .init = start)
{
	struct resp *r;
	const char *a = request_id(NULL, &r), *b = request_id(NULL, &r);
	char long_id[101];
	const char *bad[] = { long_id, "abc 123", "abc\"123", "<script>" };

	cr_expect(plain_id(a), "a generated id \"%s\" is not plain", a);
	cr_expect_str_neq(a, b, "two requests got the same generated id");

	cr_expect_str_eq(request_id("abc-123", &r), "abc-123", "a valid id was not echoed");

	memset(long_id, 'a', 100);
	long_id[100] = '\0';
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *id = request_id(bad[i], &r);
		cr_expect_str_neq(id, bad[i], "an invalid id was echoed");
		cr_expect(plain_id(id), "the id \"%s\" replacing \"%s\" is not plain", id, bad[i]);
	}
	/* Successful answers carry one too. */
	r = http_send(
	    &e, &(struct http_req){ .path = "/livez", .headers = { "X-Request-Id: ok.1_2" } });
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "X-Request-Id") ? resp_header(r, "X-Request-Id") : "",
			 "ok.1_2");
}
