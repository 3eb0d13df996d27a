/*
 * Errors and request framing (SPEC §7, daemon/API.md): problem documents
 * for unknown paths, wrong methods, bad JSON, deep JSON, wrong content
 * types and large bodies; X-Request-Id on every response; the operational
 * endpoints; a client that never finishes its request is cut off; and
 * connections that clients closed are no longer counted.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static struct env e;

ENV_SHARED_INIT(start, e, NULL)
ENV_INIT(start_small, e, &(struct env_opts){ .max_body = 2048, .json_max_depth = 4 })
ENV_INIT(start_short_timeout, e, &(struct env_opts){ .request_timeout = 1 })
ENV_FINI(stop, e)

TestSuite(errors, .fini = stop, .timeout = 120);

/* A problem document as RFC 9457 and API.md describe it. */
static void expect_problem(const struct resp *r, long status, const char *code, const char *what)
{
	const char *ct = resp_header(r, "Content-Type");
	const char *rid = resp_header(r, "X-Request-Id");

	cr_expect_eq(r->status, status, "%s: %s", what, resp_why(r));
	cr_expect_str_eq(resp_code(r), code, "%s: %s", what, resp_why(r));
	cr_expect(ct && strncmp(ct, "application/problem+json", 24) == 0, "%s: Content-Type %s",
		  what, ct ? ct : "none");
	cr_expect(resp_str(r, "type") && resp_str(r, "title") && resp_str(r, "detail"),
		  "%s: type, title or detail missing: %s", what, r->body);
	cr_expect_eq(json_integer_value(resp_get(r, "status")), status, "%s: %s", what, r->body);
	cr_expect(rid && rid[0], "%s: no X-Request-Id", what);
	cr_expect_str_eq(resp_str(r, "request_id") ? resp_str(r, "request_id") : "",
			 rid ? rid : "-", "%s: request_id differs from X-Request-Id", what);
}

static struct resp *post_raw(const char *path, const char *tok, const char *body,
			     const char *content_type)
{
	return http_send(&e, &(struct http_req){ .method = "POST",
						 .path = path,
						 .token = tok,
						 .body = body,
						 .content_type = content_type });
}

/* {"a":{"a":...{"a":1}...}} nested depth objects deep. */
static const char *nested(int depth)
{
	char *s = strf(&e, "%*s", depth * 5 + 1 + depth, "");
	size_t o = 0;

	for (int i = 0; i < depth; i++) {
		memcpy(s + o, "{\"a\":", 5);
		o += 5;
	}
	s[o++] = '1';
	for (int i = 0; i < depth; i++)
		s[o++] = '}';
	s[o] = '\0';
	return s;
}

Test(errors, refusals_are_problem_documents_with_a_request_id, .init = start)
{
	const char *admin = admin_token(&e);
	struct resp *r;
	const char *allow;

	expect_problem(http(&e, "GET", "/v1/no-such-thing", admin, NULL), 404, "not_found",
		       "unknown path");
	expect_problem(http(&e, "GET", "/v1", NULL, NULL), 404, "not_found", "/v1");
	expect_problem(http(&e, "GET", "/no-such-page", NULL, NULL), 404, "not_found",
		       "a path neither the API's nor the web interface's");
	/* "/" is the web interface's Översikt: signed out, to the sign-in page. */
	r = http(&e, "GET", "/", NULL, NULL);
	cr_expect_eq(r->status, 303, "/: %s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "Location"), "/logga-in");
	expect_problem(http(&e, "GET", "/v1/organisations/sigtuna/extra", admin, NULL), 404,
		       "not_found", "a path one segment too long");

	r = http(&e, "DELETE", "/v1/organisations", admin, NULL);
	expect_problem(r, 405, "method_not_allowed", "DELETE /v1/organisations");
	allow = resp_header(r, "Allow");
	cr_expect(allow && strstr(allow, "GET") && strstr(allow, "POST") &&
		      !strstr(allow, "DELETE"),
		  "Allow: %s", allow ? allow : "none");
	r = http(&e, "PUT", "/v1/sessions", NULL, "{}");
	expect_problem(r, 405, "method_not_allowed", "PUT /v1/sessions");
	allow = resp_header(r, "Allow");
	cr_expect(allow && strstr(allow, "POST"), "Allow: %s", allow ? allow : "none");

	expect_problem(post_raw("/v1/organisations", admin, "{\"slug\": \"x\",", NULL), 400,
		       "bad_request", "malformed JSON");
	expect_problem(
	    post_raw("/v1/organisations", admin, "{\"slug\":\"a\",\"slug\":\"b\"}", NULL), 400,
	    "bad_request", "a duplicate key");
	expect_problem(post_raw("/v1/organisations", admin, nested(40), NULL), 400, "bad_request",
		       "JSON deeper than json_max_depth (32)");
	expect_problem(post_raw("/v1/organisations", admin,
				"{\"slug\":\"x\",\"name\":\"X\",\"kind\":\"other\"}", "text/plain"),
		       415, "unsupported_media_type", "text/plain");
	expect_problem(post_raw("/v1/organisations", admin, "slug=x&name=X",
				"application/x-www-form-urlencoded"),
		       415, "unsupported_media_type", "a form");
	r = post_raw("/v1/organisations", admin, "[1, 2]", NULL);
	expect_problem(r, 422, "validation", "a JSON array");
	cr_expect(resp_names_field(r, "body"), "%s", r->body);
	/* Refused before anything was stored. */
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.organisations"), 4);

	/* Authentication comes before the role check and after the route. */
	expect_problem(http(&e, "GET", "/v1/organisations", NULL, NULL), 401, "unauthorized",
		       "no token");
}

Test(errors, request_ids_are_echoed_or_made, .init = start)
{
	struct resp *r;
	const char *rid, *other;

	r = http_send(&e, &(struct http_req){ .path = "/livez",
					      .headers = { "X-Request-Id: it-echo-0001" } });
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_header(r, "X-Request-Id") ? resp_header(r, "X-Request-Id") : "",
			 "it-echo-0001");
	r = http_send(&e, &(struct http_req){ .path = "/v1/nope",
					      .headers = { "X-Request-Id: it-echo-0002" } });
	cr_expect_str_eq(resp_header(r, "X-Request-Id") ? resp_header(r, "X-Request-Id") : "",
			 "it-echo-0002");
	cr_expect_str_eq(resp_str(r, "request_id") ? resp_str(r, "request_id") : "",
			 "it-echo-0002");

	/* A made-up one is unique per request. */
	r = http(&e, "GET", "/livez", NULL, NULL);
	rid = strf(&e, "%s", resp_header(r, "X-Request-Id") ? resp_header(r, "X-Request-Id") : "");
	other = resp_header(http(&e, "GET", "/livez", NULL, NULL), "X-Request-Id");
	cr_expect(rid[0] && other && strcmp(rid, other) != 0, "request ids %s and %s", rid,
		  other ? other : "none");

	/* One that could forge log lines is replaced, not echoed. */
	r = http_send(&e, &(struct http_req){ .path = "/livez",
					      .headers = { "X-Request-Id: a b\" user=admin" } });
	rid = resp_header(r, "X-Request-Id");
	cr_expect(rid && rid[0] && !strchr(rid, ' ') && !strchr(rid, '"'),
		  "an unsafe X-Request-Id was echoed: %s", rid ? rid : "none");
	r = http_send(&e, &(struct http_req){ .path = "/livez",
					      .headers = { strf(&e, "X-Request-Id: %0200d", 7) } });
	rid = resp_header(r, "X-Request-Id");
	cr_expect(rid && strlen(rid) <= 64, "a 200-character X-Request-Id was echoed");
}

Test(errors, operational_endpoints_answer_without_a_token, .init = start)
{
	struct resp *r = http(&e, "GET", "/livez", NULL, NULL);

	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "status"), "ok");
	r = http(&e, "GET", "/readyz", NULL, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect_str_eq(resp_str(r, "status"), "ready");
	r = http(&e, "GET", "/openapi.json", NULL, NULL);
	cr_expect_eq(r->status, 200, "%s", resp_why(r));
	cr_expect(resp_get(r, "paths./v1/sessions.post"), "openapi.json lacks POST /v1/sessions");
	r = http(&e, "GET", "/metrics", NULL, NULL);
	cr_expect_eq(r->status, 200, "/metrics from 127.0.0.1: %s", resp_why(r));
	cr_expect(strstr(r->body, "samverkan_requests_total"), "%s", r->body);
	cr_expect(resp_header(r, "X-Request-Id"), "/metrics without X-Request-Id");
}

Test(errors, large_and_deep_bodies_are_refused, .init = start_small)
{
	const char *admin = admin_token(&e);
	char *big = strf(&e, "{\"slug\":\"x\",\"name\":\"%03000d\",\"kind\":\"other\"}", 0);
	struct resp *r;

	r = post_raw("/v1/organisations", admin, big, NULL);
	expect_problem(r, 413, "payload_too_large", "a 3 kB body over max_body 2048");
	/* At the limit, depth 4 passes to validation; 5 does not. */
	r = post_raw("/v1/organisations", admin, nested(4), NULL);
	cr_expect_eq(r->status, 422, "depth 4: %s", resp_why(r));
	expect_problem(post_raw("/v1/organisations", admin, nested(5), NULL), 400, "bad_request",
		       "depth 5 over json_max_depth 4");
	cr_expect_eq(sql_count(&e, "SELECT count(*) FROM svk.organisations"), 4);
	/* The connection is still good for the next request. */
	cr_expect_eq(http(&e, "GET", "/v1/organisations", admin, NULL)->status, 200);
}

/* Waits (bounded by timeout_ms) for the server to close a connection on
 * which an unfinished request was sent; returns the bytes it answered. */
static long wait_for_close(CURL *h, long timeout_ms, bool *closed)
{
	curl_socket_t fd;
	long got = 0;
	struct timespec start, now;

	*closed = false;
	cr_assert_eq(curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &fd), CURLE_OK);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		char buf[1024];
		size_t n = 0;
		CURLcode rc = curl_easy_recv(h, buf, sizeof buf, &n);
		long elapsed;

		if (rc == CURLE_OK && n == 0) {
			*closed = true;
			return got;
		}
		if (rc == CURLE_OK) {
			got += (long)n;
			continue;
		}
		if (rc != CURLE_AGAIN) {
			*closed = true; /* reset or TLS error: the server dropped it */
			return got;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (now.tv_sec - start.tv_sec) * 1000 +
			  (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed >= timeout_ms)
			return got;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		poll(&pfd, 1, (int)(timeout_ms - elapsed));
	}
}

Test(errors, a_request_that_never_finishes_is_cut_off, .init = start_short_timeout)
{
	static const char partial[] = "GET /v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
	CURL *h = curl_easy_init();
	size_t sent = 0;
	bool closed;
	long got;

	cr_assert(h, "curl_easy_init");
	curl_easy_setopt(h, CURLOPT_URL, e.base_url);
	curl_easy_setopt(h, CURLOPT_CAINFO, e.cacert);
	curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	cr_assert_eq(curl_easy_perform(h), CURLE_OK, "cannot connect");
	cr_assert_eq(curl_easy_send(h, partial, sizeof partial - 1, &sent), CURLE_OK);
	cr_assert_eq(sent, sizeof partial - 1);
	/* request_timeout is 1 s: the server must hang up well within 15. */
	got = wait_for_close(h, 15000, &closed);
	curl_easy_cleanup(h);
	cr_expect(closed, "the server kept an unfinished request open past request_timeout");
	cr_expect_eq(got, 0, "the server answered an unfinished request (%ld bytes)", got);
	/* And the server still serves complete requests. */
	cr_expect_eq(http(&e, "GET", "/livez", NULL, NULL)->status, 200);
}

Test(errors, closed_connections_are_forgotten, .init = start)
{
	struct resp *r;
	const char *gauge;
	long open;

	for (int i = 0; i < 20; i++) {
		r = http_send(&e, &(struct http_req){ .path = "/livez", .fresh_connection = true });
		cr_assert_eq(r->status, 200, "connection %d: %s", i + 1, resp_why(r));
	}
	/* Each was closed before the next was opened: the server holds this
	 * one and perhaps a few closes it has yet to read, not twenty. */
	r = http_send(&e, &(struct http_req){ .path = "/metrics", .fresh_connection = true });
	cr_assert_eq(r->status, 200, "%s", resp_why(r));
	gauge = strstr(r->body, "\nsamverkan_connections ");
	cr_assert(gauge, "no samverkan_connections in /metrics: %s", r->body);
	open = strtol(gauge + strlen("\nsamverkan_connections "), NULL, 10);
	cr_expect_leq(open, 8, "the server counts %ld open connections after 20 closed ones", open);
}
