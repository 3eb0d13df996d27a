/*
 * The exit codes of SPEC §8: the HTTP status table, the transport (libcurl)
 * table, a real refused connection, and the one-line error a person reads.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "http.h"
#include "output.h"

struct status_case {
	long status;
	int exit_code;
};

ParameterizedTestParameters(status, exit_code)
{
	static struct status_case cases[] = {
		{ 200, CLI_OK },         { 201, CLI_OK },         { 204, CLI_OK },
		{ 400, CLI_VALIDATION }, { 401, CLI_AUTH },       { 403, CLI_AUTH },
		{ 404, CLI_NOT_FOUND },  { 405, CLI_ERROR },      { 409, CLI_CONFLICT },
		{ 412, CLI_CONFLICT },   { 413, CLI_VALIDATION }, { 415, CLI_ERROR },
		{ 422, CLI_VALIDATION }, { 429, CLI_TEMPFAIL },   { 431, CLI_ERROR },
		{ 500, CLI_ERROR },      { 502, CLI_TEMPFAIL },   { 503, CLI_TEMPFAIL },
		{ 504, CLI_TEMPFAIL },   { 302, CLI_ERROR },      { 100, CLI_ERROR },
		{ 0, CLI_ERROR },
	};
	return cr_make_param_array(struct status_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct status_case *c, status, exit_code, table_none, table_none)
{
	cr_assert_eq(output_exit_for_status(c->status), c->exit_code, "status %ld", c->status);
}

Test(status, exact_numbers_of_the_spec)
{
	cr_assert_eq(CLI_OK, 0);
	cr_assert_eq(CLI_ERROR, 1);
	cr_assert_eq(CLI_USAGE, 2);
	cr_assert_eq(CLI_AUTH, 3);
	cr_assert_eq(CLI_NOT_FOUND, 4);
	cr_assert_eq(CLI_CONFLICT, 5);
	cr_assert_eq(CLI_VALIDATION, 6);
	cr_assert_eq(CLI_TEMPFAIL, 75);
}

struct curl_case {
	int code;
	int exit_code;
};

ParameterizedTestParameters(status, curl_code)
{
	static struct curl_case cases[] = {
		{ CURLE_OK, CLI_OK },
		{ CURLE_COULDNT_CONNECT, CLI_TEMPFAIL },
		{ CURLE_COULDNT_RESOLVE_HOST, CLI_TEMPFAIL },
		{ CURLE_OPERATION_TIMEDOUT, CLI_TEMPFAIL },
		{ CURLE_RECV_ERROR, CLI_TEMPFAIL },
		{ CURLE_GOT_NOTHING, CLI_TEMPFAIL },
		{ CURLE_PEER_FAILED_VERIFICATION, CLI_ERROR },
		{ CURLE_SSL_CACERT_BADFILE, CLI_ERROR },
		{ CURLE_SSL_CERTPROBLEM, CLI_ERROR },
		{ CURLE_WRITE_ERROR, CLI_ERROR },
		{ CURLE_FAILED_INIT, CLI_ERROR },
	};
	return cr_make_param_array(struct curl_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct curl_case *c, status, curl_code, table_none, table_none)
{
	cr_assert_eq(http_exit_for_curlcode(c->code), c->exit_code, "curl code %d", c->code);
}

/* A port nothing listens on: bind an ephemeral one, then close it. */
static int closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int port;

	cr_assert(fd >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

Test(status, refused_connection_is_temporary)
{
	struct http_opts ho = { 0 };
	struct http_response resp;
	struct strbuf err, url;
	struct http *h;

	strbuf_init(&err, 0);
	strbuf_init(&url, 0);
	cr_assert_eq(strbuf_printf(&url, "https://127.0.0.1:%d", closed_port()), 0);
	ho.server = url.data;
	cr_assert_eq(http_global_init(), 0);
	h = http_new(&ho, &err);
	cr_assert_not_null(h, "%s", err.data);
	cr_assert_eq(http_request(h, "GET", "/v1/me", NULL, &resp, &err), CLI_TEMPFAIL);
	cr_assert(strstr(err.data, "cannot connect") != NULL, "%s", err.data);
	http_free(h);
	http_global_cleanup();
	strbuf_cleanup(&err);
	strbuf_cleanup(&url);
}

Test(status, unreadable_cacert_is_refused_up_front)
{
	struct http_opts ho = { 0 };
	struct strbuf err;

	strbuf_init(&err, 0);
	ho.server = "https://localhost";
	ho.cacert = "/nonexistent/ca.pem";
	cr_assert_null(http_new(&ho, &err));
	cr_assert(strstr(err.data, "/nonexistent/ca.pem") != NULL, "%s", err.data);
	strbuf_cleanup(&err);
}

/* Runs output_problem with stderr captured; returns the text written. */
static char *problem_text(const char *problem_json, long status, int json_errors, const char *retry,
			  const char *hint, int *exit_code)
{
	struct output o = { 0 };
	json_t *p = problem_json ? json_loads(problem_json, 0, NULL) : NULL;
	char *buf = NULL;
	size_t len = 0;

	o.err = open_memstream(&buf, &len);
	o.out = o.err;
	o.json_errors = json_errors;
	cr_assert_not_null(o.err);
	*exit_code = output_problem(&o, status, p, retry, "req-1", hint);
	fclose(o.err);
	json_decref(p);
	return buf;
}

Test(status, problem_line_for_a_person)
{
	int rc;
	char *s = problem_text("{\"code\":\"forbidden\",\"title\":\"Forbidden\","
			       "\"status\":403,\"detail\":\"requires the admin "
			       "right\"}",
			       403, 0, NULL, NULL, &rc);

	cr_assert_str_eq(s, "samverkan: forbidden: requires the admin right (403)\n");
	cr_assert_eq(rc, CLI_AUTH);
	free(s);
}

Test(status, problem_line_names_fields)
{
	int rc;
	char *s = problem_text("{\"code\":\"validation\",\"status\":422,\"detail\":"
			       "\"invalid\","
			       "\"errors\":[{\"field\":\"slug\",\"message\":\"bad slug\"},"
			       "{\"field\":\"name\",\"message\":\"holds a personnummer\"}]}",
			       422, 0, NULL, NULL, &rc);

	cr_assert_str_eq(s, "samverkan: validation: slug: bad slug; name: holds "
			    "a personnummer (422)\n");
	cr_assert_eq(rc, CLI_VALIDATION);
	free(s);
}

Test(status, problem_line_retry_and_hint)
{
	int rc;
	char *s = problem_text("{\"code\":\"rate_limited\",\"detail\":\"slow "
			       "down\"}",
			       429, 0, "30", "try later", &rc);

	cr_assert_str_eq(s, "samverkan: rate_limited: slow down (429); retry "
			    "after 30 s; try later\n");
	cr_assert_eq(rc, CLI_TEMPFAIL);
	free(s);
}

Test(status, problem_without_document)
{
	int rc;
	char *s = problem_text(NULL, 502, 1, NULL, NULL, &rc);

	cr_assert_str_eq(s, "samverkan: bad gateway: the server gave no detail "
			    "(502)\n");
	cr_assert_eq(rc, CLI_TEMPFAIL);
	free(s);
}

Test(status, problem_control_characters_stay_one_line)
{
	int rc;
	char *s = problem_text("{\"code\":\"not_found\",\"detail\":\"no\\nsuch"
			       "\\u001b[31m thing\"}",
			       404, 0, NULL, NULL, &rc);

	cr_assert_str_eq(s, "samverkan: not_found: no such [31m thing (404)\n");
	cr_assert_eq(rc, CLI_NOT_FOUND);
	free(s);
}

Test(status, problem_as_json_with_output_json)
{
	int rc;
	char *s = problem_text("{\"code\":\"conflict\",\"status\":409}", 409, 1, NULL, NULL, &rc);
	json_t *back;

	cr_assert_eq(rc, CLI_CONFLICT);
	cr_assert_eq(s[strlen(s) - 1], '\n');
	cr_assert_eq(strchr(s, '\n'), s + strlen(s) - 1, "one line: %s", s);
	back = json_loads(s, 0, NULL);
	cr_assert_not_null(back);
	cr_assert_str_eq(json_string_value(json_object_get(back, "code")), "conflict");
	json_decref(back);
	free(s);
}
