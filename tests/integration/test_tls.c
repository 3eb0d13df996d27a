/*
 * TLS (SPEC §7): the intermediate profile speaks TLS 1.2 and 1.3, the modern
 * one only 1.3; with a client CA the server requires a client certificate
 * issued to an organisation, and refuses (403, audited) a user of another
 * organisation than the certificate's.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <string.h>

#include "harness.h"

static struct env e;

ENV_INIT(start, e, NULL)
ENV_INIT(start_modern, e, &(struct env_opts){ .tls_profile = "modern" })
ENV_INIT(start_mutual, e, &(struct env_opts){ .mutual_tls = true })
ENV_FINI(stop, e)

TestSuite(tls, .fini = stop, .timeout = 120);

static struct resp *livez_with(long min, long max)
{
	return http_send(&e, &(struct http_req){ .path = "/livez",
						 .tls_version = min,
						 .tls_max = max,
						 .fresh_connection = true });
}

Test(tls, intermediate_speaks_tls_1_2_and_1_3, .init = start)
{
	struct resp *r = livez_with(CURL_SSLVERSION_TLSv1_2, CURL_SSLVERSION_MAX_TLSv1_2);

	cr_expect_eq(r->status, 200, "TLS 1.2: %s", resp_why(r));
	r = livez_with(CURL_SSLVERSION_TLSv1_3, CURL_SSLVERSION_MAX_TLSv1_3);
	cr_expect_eq(r->status, 200, "TLS 1.3: %s", resp_why(r));
}

Test(tls, modern_speaks_only_tls_1_3, .init = start_modern)
{
	struct resp *r = livez_with(CURL_SSLVERSION_TLSv1_2, CURL_SSLVERSION_MAX_TLSv1_2);

	cr_expect_eq(r->status, 0, "TLS 1.2 was accepted by the modern profile");
	r = livez_with(CURL_SSLVERSION_TLSv1_3, CURL_SSLVERSION_MAX_TLSv1_3);
	cr_expect_eq(r->status, 200, "TLS 1.3: %s", resp_why(r));
}

Test(tls, mutual_tls_ties_users_to_their_organisations_certificate, .init = start_mutual)
{
	const char *police_crt, *police_key, *sigtuna_crt, *sigtuna_key, *pw, *tok;
	struct resp *r;

	env_client_cert(&e, "polisen", &police_crt, &police_key);
	env_client_cert(&e, "sigtuna", &sigtuna_crt, &sigtuna_key);

	/* No certificate, no connection (env_serve's readiness probe aside). */
	r = http_send(&e, &(struct http_req){ .path = "/livez", .fresh_connection = true });
	cr_expect_eq(r->status, 0, "a client without a certificate got an answer: %s", resp_why(r));

	/* The admin belongs to polisen. */
	r = http_send(&e, &(struct http_req){ .method = "POST",
					      .path = "/v1/sessions",
					      .cert = police_crt,
					      .key = police_key,
					      .fresh_connection = true,
					      .body = jsonf(&e, "{s:s, s:s}", "username", "admin",
							    "password", e.admin_password) });
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	tok = strf(&e, "%s", resp_str(r, "token"));
	r = http_send(
	    &e, &(struct http_req){ .method = "POST",
				    .path = "/v1/users",
				    .token = tok,
				    .cert = police_crt,
				    .key = police_key,
				    .body = "{\"username\":\"sia.sig\",\"display_name\":\"Sia\","
					    "\"organisation\":\"sigtuna\"}" });
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	pw = strf(&e, "%s", resp_str(r, "password"));
	r = http_send(&e, &(struct http_req){ .method = "PUT",
					      .token = tok,
					      .cert = police_crt,
					      .key = police_key,
					      .body = "{\"role\":\"member\"}",
					      .path = "/v1/groups/est-sigtuna/members/sia.sig" });
	cr_assert_eq(r->status, 201, "%s", resp_why(r));

	/* The admin with Sigtuna's certificate is refused, and it is audited. */
	r = http_send(&e, &(struct http_req){ .path = "/v1/me",
					      .token = tok,
					      .cert = sigtuna_crt,
					      .key = sigtuna_key,
					      .fresh_connection = true });
	cr_expect_eq(r->status, 403, "polisen's user with sigtuna's certificate: %s", resp_why(r));
	cr_expect_str_eq(resp_code(r), "forbidden");
	cr_expect_eq(sql_count(&e,
			       "SELECT count(*) FROM svk.audit WHERE action = 'request.refused' "
			       "AND actor = 'admin' AND after->>'request' = 'GET /v1/me'"),
		     1, "the refusal was not audited");

	/* Sigtuna's user with Sigtuna's certificate is served. */
	r = http_send(&e, &(struct http_req){ .method = "POST",
					      .path = "/v1/sessions",
					      .cert = sigtuna_crt,
					      .key = sigtuna_key,
					      .body = jsonf(&e, "{s:s, s:s}", "username", "sia.sig",
							    "password", pw) });
	cr_assert_eq(r->status, 201, "%s", resp_why(r));
	tok = strf(&e, "%s", resp_str(r, "token"));
	r = http_send(&e, &(struct http_req){ .path = "/v1/organisations",
					      .token = tok,
					      .cert = sigtuna_crt,
					      .key = sigtuna_key });
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	r = http_send(&e, &(struct http_req){ .path = "/v1/me",
					      .token = tok,
					      .cert = police_crt,
					      .key = police_key,
					      .fresh_connection = true });
	cr_expect_eq(r->status, 403, "sigtuna's user with polisen's certificate: %s", resp_why(r));
}
