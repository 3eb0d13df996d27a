/*
 * The request-object field table: every problem is reported, each naming
 * its field; choices match whole values only.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <string.h>

#include "jsonfields.h"

static const struct jf_field fields[] = {
	{ .name = "slug", .type = JF_SLUG, .required = true },
	{ .name = "name", .type = JF_STRING, .required = true, .max = 10 },
	{ .name = "kind", .type = JF_ENUM, .choices = "police|municipality" },
	{ .name = "n", .type = JF_INT, .min = 0, .max = 100 },
	{ .name = "x", .type = JF_NUMBER, .min = 0, .max = 5 },
	{ .name = "on", .type = JF_DATE, .nullable = true },
	{ .name = "id", .type = JF_UUID },
	{ .name = "list", .type = JF_STRINGS, .max = 5 },
	{ .name = "flag", .type = JF_BOOL },
	{ .name = "note", .type = JF_STRING, .empty = true, .max = 5 },
};

struct jf_case {
	char body[160];
	char field[16]; /* the one field named, "" when valid */
};

ParameterizedTestParameters(jsonfields, one_problem)
{
	static struct jf_case cases[] = {
		{ "{\"slug\":\"a\",\"name\":\"b\"}", "" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"kind\":\"police\",\"n\":100,\"x\":4.5,\"on\":"
		  "null,"
		  "\"id\":\"0b6f6a3e-3c1d-4c7e-9a7b-1f2e3d4c5b6a\",\"list\":[\"p\"],\"flag\":true}",
		  "" },
		{ "{\"name\":\"b\"}", "slug" },
		{ "{\"slug\":\"A\",\"name\":\"b\"}", "slug" },
		{ "{\"slug\":\"a\",\"name\":\"01234567890\"}", "name" },
		{ "{\"slug\":\"a\",\"name\":\"\"}", "name" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"kind\":\"pol\"}", "kind" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"kind\":\"police|municipality\"}", "kind" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"kind\":\"\"}", "kind" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"n\":101}", "n" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"n\":1.5}", "n" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"x\":-1}", "x" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"on\":\"2025-02-30\"}", "on" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"id\":\"nope\"}", "id" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"list\":[]}", "list" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"list\":[\"\"]}", "list" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"flag\":\"yes\"}", "flag" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"extra\":1}", "extra" },
		{ "{\"slug\":\"a\",\"name\":null}", "name" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"note\":\"\"}", "" },
		{ "{\"slug\":\"a\",\"name\":\"b\",\"note\":\"123456\"}", "note" },
	};
	return cr_make_param_array(struct jf_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct jf_case *c, jsonfields, one_problem, table_none, table_none)
{
	json_t *body = json_loads(c->body, 0, NULL), *errors = NULL;
	bool ok;

	cr_assert_not_null(body, "%s", c->body);
	ok = jf_check(body, fields, sizeof fields / sizeof fields[0], &errors);
	if (!c->field[0]) {
		cr_assert(ok, "%s should pass", c->body);
	} else {
		cr_assert_not(ok, "%s should fail", c->body);
		cr_assert_eq(json_array_size(errors), 1, "%s: %zu errors", c->body,
			     json_array_size(errors));
		cr_assert_str_eq(
		    json_string_value(json_object_get(json_array_get(errors, 0), "field")),
		    c->field);
	}
	json_decref(errors);
	json_decref(body);
}

Test(jsonfields, every_problem_at_once)
{
	json_t *body = json_loads("{\"slug\":\"A\",\"kind\":\"x\",\"zzz\":1}", 0, NULL),
	       *errors = NULL;

	cr_assert_not(jf_check(body, fields, sizeof fields / sizeof fields[0], &errors));
	cr_assert_eq(json_array_size(errors), 4, "slug, name (missing), kind and zzz");
	json_decref(errors);
	json_decref(body);
}

Test(jsonfields, choices_are_whole_values)
{
	cr_assert(jf_in_choices("planned|ongoing|done", "done"));
	cr_assert(jf_in_choices("planned|ongoing|done", "planned"));
	cr_assert_not(jf_in_choices("planned|ongoing|done", "plan"));
	cr_assert_not(jf_in_choices("planned|ongoing|done", "ongoing|done"));
	cr_assert_not(jf_in_choices("planned|ongoing|done", ""));
	cr_assert_not(jf_in_choices("planned|ongoing|done", "|"));
}
