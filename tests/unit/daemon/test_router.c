/*
 * The route matcher: 404 versus 405 (with the Allow mask), parameters,
 * percent-decoding, and paths that must never match.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <string.h>

#include "router.h"

static void h(struct req *r)
{
	(void)r;
}

static const struct route table[] = {
	{ M_GET, "/livez", h, ROUTE_PUBLIC, ACT_NONE, NULL },
	{ M_GET, "/v1/users", h, 0, ACT_NONE, NULL },
	{ M_POST, "/v1/users", h, 0, ACT_NONE, NULL },
	{ M_GET, "/v1/users/{}", h, 0, ACT_NONE, NULL },
	{ M_PATCH, "/v1/users/{}", h, 0, ACT_NONE, NULL },
	{ M_POST, "/v1/users/{}/password", h, 0, ACT_NONE, NULL },
	{ M_PUT, "/v1/groups/{}/members/{}", h, 0, ACT_NONE, NULL },
	{ M_DELETE, "/v1/groups/{}/members/{}", h, 0, ACT_NONE, NULL },
};
#define N (sizeof table / sizeof table[0])

struct route_case {
	unsigned method;
	char path[64];
	int want;       /* index into table, -1 for none */
	unsigned allow; /* expected Allow mask when want == -1 */
	char p0[24], p1[24];
};

ParameterizedTestParameters(router, match)
{
	static struct route_case cases[] = {
		{ M_GET, "/livez", 0, 0, "", "" },
		{ M_GET, "/v1/users", 1, 0, "", "" },
		{ M_POST, "/v1/users", 2, 0, "", "" },
		{ M_DELETE, "/v1/users", -1, M_GET | M_POST | M_HEAD, "", "" },
		{ M_GET, "/v1/users/anna", 3, 0, "anna", "" },
		{ M_PATCH, "/v1/users/anna", 4, 0, "anna", "" },
		{ M_POST, "/v1/users/anna", -1, M_GET | M_PATCH | M_HEAD, "", "" },
		{ M_POST, "/v1/users/anna.berg/password", 5, 0, "anna.berg", "" },
		{ M_GET, "/v1/users/anna/password", -1, M_POST, "", "" },
		{ M_PUT, "/v1/groups/est-sigtuna/members/bo", 6, 0, "est-sigtuna", "bo" },
		{ M_DELETE, "/v1/groups/est-sigtuna/members/bo", 7, 0, "est-sigtuna", "bo" },
		{ M_GET, "/v1/groups/est-sigtuna/members/bo", -1, M_PUT | M_DELETE, "", "" },
		{ M_GET, "/v1/users/a%2Eb", 3, 0, "a.b", "" },
		{ M_GET, "/v1/nothing", -1, 0, "", "" },
		{ M_GET, "/", -1, 0, "", "" },
		{ M_GET, "/v1/users/", -1, 0, "", "" },
		{ M_GET, "/v1//users", -1, 0, "", "" },
		{ M_GET, "/v1/users/a%2Fb", -1, 0, "", "" },
		{ M_GET, "/v1/users/a%00b", -1, 0, "", "" },
		{ M_GET, "/v1/users/a%zz", -1, 0, "", "" },
		{ M_GET, "/livez/extra", -1, 0, "", "" },
		{ M_GET, "livez", -1, 0, "", "" },
	};
	return cr_make_param_array(struct route_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct route_case *c, router, match, table_none, table_none)
{
	char seg[256];
	const char *params[ROUTE_MAX_PARAMS] = { 0 };
	unsigned allow = 12345;
	const struct route *r = router_match(table, N, c->method, c->path, seg, sizeof seg, params,
					     &allow);

	if (c->want < 0) {
		cr_assert_null(r, "%s should not match", c->path);
		cr_assert_eq(allow, c->allow, "%s: allow %#x, want %#x", c->path, allow, c->allow);
		return;
	}
	cr_assert_eq(r, &table[c->want], "%s matched the wrong route", c->path);
	if (c->p0[0])
		cr_assert_str_eq(params[0], c->p0);
	if (c->p1[0])
		cr_assert_str_eq(params[1], c->p1);
}

Test(router, allow_header_text)
{
	char out[80];

	router_allow_string(M_GET | M_HEAD | M_POST, out, sizeof out);
	cr_assert_str_eq(out, "GET, HEAD, POST");
	router_allow_string(M_PUT | M_DELETE, out, sizeof out);
	cr_assert_str_eq(out, "PUT, DELETE");
}

Test(router, long_path_is_refused_not_overflowed)
{
	char path[2048], seg[64];
	const char *params[ROUTE_MAX_PARAMS];
	unsigned allow;

	path[0] = '/';
	memset(path + 1, 'a', sizeof path - 2);
	path[sizeof path - 1] = '\0';
	cr_assert_null(router_match(table, N, M_GET, path, seg, sizeof seg, params, &allow));
}

/* A parameter past the route's own is NULL, whatever the array held and
 * whatever a pattern tried before the match left behind. */
Test(router, parameters_past_the_routes_own_are_null)
{
	char seg[256];
	const char *params[ROUTE_MAX_PARAMS];
	unsigned allow;

	for (int i = 0; i < ROUTE_MAX_PARAMS; i++)
		params[i] = "stale";
	/* /v1/groups/{}/members/{} is tried (and fails on its method) first. */
	cr_assert_not_null(router_match(table, N, M_PUT, "/v1/groups/est/members/bo", seg,
					sizeof seg, params, &allow));
	cr_assert_str_eq(params[1], "bo");
	cr_assert_not_null(
	    router_match(table, N, M_GET, "/v1/users/bo", seg, sizeof seg, params, &allow));
	cr_assert_str_eq(params[0], "bo");
	for (int i = 1; i < ROUTE_MAX_PARAMS; i++)
		cr_assert_null(params[i], "params[%d] is left over", i);
}
