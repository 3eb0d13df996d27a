/*
 * Reading a response's headers: the values the client keeps, whatever the
 * case of the name and the blanks around the value, a 1xx response's
 * headers forgotten at the next status line, and which content types are
 * JSON.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <string.h>

#include "http_response.h"

struct header_case {
	char line[64];
	char request_id[16], etag[16], location[16];
	int replayed;
};

ParameterizedTestParameters(http_response, header)
{
	static struct header_case cases[] = {
		{ "X-Request-Id: r-1\r\n", "r-1", "", "", 0 },
		{ "x-request-id:\t r-2  \r\n", "r-2", "", "", 0 },
		{ "ETag: \"v3\"\r\n", "", "\"v3\"", "", 0 },
		{ "Location: /v1/x\r\n", "", "", "/v1/x", 0 },
		{ "Idempotent-Replayed: true\r\n", "", "", "", 1 },
		{ "Idempotent-Replayed: TRUE\r\n", "", "", "", 1 },
		{ "Idempotent-Replayed: false\r\n", "", "", "", 0 },
		{ "X-Request-Idx: no\r\n", "", "", "", 0 },
		{ "Content-Type: application/json\r\n", "", "", "", 0 },
	};
	return cr_make_param_array(struct header_case, cases, sizeof cases / sizeof cases[0]);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

TableTest(struct header_case *c, http_response, header, table_none, table_none)
{
	struct http_response r;

	memset(&r, 0, sizeof r);
	cr_assert_eq(http_response_header(&r, c->line, strlen(c->line)), 0);
	cr_assert_str_eq(or_empty(r.request_id), c->request_id, "%s", c->line);
	cr_assert_str_eq(or_empty(r.etag), c->etag, "%s", c->line);
	cr_assert_str_eq(or_empty(r.location), c->location, "%s", c->line);
	cr_assert_eq(r.replayed, c->replayed, "%s", c->line);
	http_response_cleanup(&r);
}

Test(http_response, status_line_forgets_an_informational_response)
{
	static const char *const lines[] = {
		"HTTP/1.1 100 Continue\r\n",
		"X-Request-Id: early\r\n",
		"Idempotent-Replayed: true\r\n",
		"HTTP/1.1 201 Created\r\n",
		"ETag: \"1\"\r\n",
	};
	struct http_response r;

	memset(&r, 0, sizeof r);
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		cr_assert_eq(http_response_header(&r, lines[i], strlen(lines[i])), 0);
	cr_assert_null(r.request_id);
	cr_assert_eq(r.replayed, 0);
	cr_assert_str_eq(r.etag, "\"1\"");
	http_response_cleanup(&r);
}

struct type_case {
	char type[48];
	int json;
};

ParameterizedTestParameters(http_response, json_type)
{
	static struct type_case cases[] = {
		{ "application/json", 1 },
		{ "application/json; charset=utf-8", 1 },
		{ "Application/JSON", 1 },
		{ "application/problem+json", 1 },
		{ "application/problem+json ; charset=utf-8", 1 },
		{ "text/csv", 0 },
		{ "application/jsonl", 0 },
		{ "text/html", 0 },
		{ "", 0 },
	};
	return cr_make_param_array(struct type_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct type_case *c, http_response, json_type, table_none, table_none)
{
	cr_assert_eq(http_is_json_type(c->type), c->json, "'%s'", c->type);
}

Test(http_response, no_content_type_is_not_json)
{
	cr_assert_eq(http_is_json_type(NULL), 0);
}
