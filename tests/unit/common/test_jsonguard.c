/*
 * The personnummer guard over request bodies: strings and numbers (integer
 * and real) are checked, and which field is named.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <jansson.h>
#include <string.h>

#include "jsonguard.h"
#include "validate.h"

struct guard_case {
	char json[256]; /* inline: Criterion re-executes the binary, so no pointers */
	bool found;
	char path[64];
};

ParameterizedTestParameters(jsonguard, table)
{
	static struct guard_case cases[] = {
		{ "{\"description\": \"pnr 811218-9876\"}", true, "description" },
		{ "{\"title\": \"ok\", \"description\": \"19811218-9876\"}", true, "description" },
		{ "{\"items\": [{\"place\": \"a\"}, {\"place\": \"b\"}, {}, "
		  "{\"place\": \"Storgatan 8112189876\"}]}",
		  true, "items[3].place" },
		{ "{\"resources\": [{\"organisation\": \"sigtuna\", "
		  "\"description\": \"701063-2391\", \"amount\": 2}]}",
		  true, "resources[0].description" },
		{ "{\"decisions\": [\"ok\", \"ok\", \"ring 811218-9876\"]}", true, "decisions[2]" },
		{ "{\"a\": {\"b\": {\"c\": [[\"x\", \"811218-9876\"]]}}}", true, "a.b.c[0][1]" },
		{ "[{\"place\": \"x\"}, {\"place\": \"811218-9876\"}]", true, "[1].place" },
		{ "[\"811218-9876\"]", true, "[0]" },
		/* The first in document order wins. */
		{ "{\"a\": \"x\", \"b\": [\"811218-9876\"], \"c\": \"811218-9876\"}", true,
		  "b[0]" },
		/* After a deep miss the path is clean for the next sibling. */
		{ "{\"long_name_here\": {\"inner\": [\"x\", \"y\"]}, \"d\": "
		  "\"811218-9876\"}",
		  true, "d" },
		/* Nothing to find. */
		{ "{\"description\": \"möte 2024-01-15, tel 070-123 45 67\"}", false, "" },
		{ "{\"811218-9876\": \"keys are not checked\"}", false, "" },
		/* Numbers, integer or real, given where a text is expected or
		 * in a numeric field. */
		{ "{\"description\": 8112189876}", true, "description" },
		{ "{\"description\": 198112189876}", true, "description" },
		{ "{\"description\": -8112189876}", true, "description" },
		{ "{\"description\": 7010632391}", true, "description" },
		{ "{\"ok\": 1, \"amount\": 8112189876.0}", true, "amount" },
		{ "{\"amount\": 198112189876.0}", true, "amount" },
		{ "{\"amount\": 8.112189876e9}", true, "amount" },
		{ "{\"amount\": 8112189876E0}", true, "amount" },
		{ "{\"rows\": [1, 2, {\"n\": 8112189876}]}", true, "rows[2].n" },
		{ "[8112189876]", true, "[0]" },
		{ "{\"amount\": 8112189875, \"ok\": true, \"n\": null, "
		  "\"f\": 1.5, \"g\": 811218.9876, \"h\": 0.1, \"big\": 1e300}",
		  false, "" },
		{ "{\"order\": 4000811218987600}", false, "" },
		{ "{\"amount\": 1981121898.76}", false, "" },
		{ "{\"amount\": 8112189876.5}", true, "amount" },
		{ "{\"amount\": -198112189876.25}", true, "amount" },
		/* A real's fraction is precision, not an identifier: a
		 * coordinate with ten decimals is no personnummer. */
		{ "{\"latitude\": 59.8112189876, \"longitude\": 0.8112189876}", false, "" },
		{ "{\"huge\": 81121898760000000000.0, \"tiny\": -1e-300}", false, "" },
		{ "{\"items\": [], \"o\": {}}", false, "" },
		{ "[]", false, "" },
		{ "{\"description\": \"811218-9875\"}", false, "" },
	};
	return cr_make_param_array(struct guard_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct guard_case *c, jsonguard, table, table_none, table_none)
{
	json_error_t err;
	json_t *v = json_loads(c->json, 0, &err);
	char path[64] = "garbage";

	cr_assert_not_null(v, "bad test json %s: %s", c->json, err.text);
	cr_assert_eq(jsonguard_find_pnr(v, path, sizeof path), c->found, "%s", c->json);
	cr_assert_str_eq(path, c->path, "%s", c->json);
	json_decref(v);
}

Test(jsonguard, top_level_string)
{
	json_t *v = json_string("pnr 811218-9876");
	char path[8] = "x";

	cr_assert(jsonguard_find_pnr(v, path, sizeof path));
	cr_assert_str_eq(path, "");
	json_decref(v);
}

Test(jsonguard, truncates_a_long_path)
{
	json_t *v = json_loads("{\"resources\": [{\"description\": "
			       "\"811218-9876\"}]}",
			       0, NULL);
	char path[10];

	cr_assert(jsonguard_find_pnr(v, path, sizeof path));
	cr_assert_str_eq(path, "resources");
	json_decref(v);
}

Test(jsonguard, path_is_optional)
{
	json_t *v = json_loads("{\"a\": [\"811218-9876\"]}", 0, NULL);
	char path[1] = { 'x' };

	cr_assert(jsonguard_find_pnr(v, NULL, 0));
	cr_assert(jsonguard_find_pnr(v, path, 0));
	cr_assert_eq(path[0], 'x');
	cr_assert(jsonguard_find_pnr(v, path, 1));
	cr_assert_eq(path[0], '\0');
	cr_assert_not(jsonguard_find_pnr(NULL, NULL, 0));
	json_decref(v);
}

Test(jsonguard, string_with_nul_is_checked_to_its_end)
{
	json_t *v = json_stringn("a\0 811218-9876", 14);
	json_t *o = json_object();

	cr_assert_not_null(v);
	json_object_set_new(o, "s", v);
	cr_assert(jsonguard_find_pnr(o, NULL, 0));
	json_decref(o);
}

Test(jsonguard, cuts_a_long_path_at_a_whole_character)
{
	/* "åååååå" is 12 bytes; 9 fit, which would end inside the fifth. */
	json_t *v = json_loads("{\"\xC3\xA5\xC3\xA5\xC3\xA5\xC3\xA5\xC3\xA5\xC3\xA5\": "
			       "\"811218-9876\"}",
			       0, NULL);
	char path[10];

	cr_assert(jsonguard_find_pnr(v, path, sizeof path));
	cr_assert_str_eq(path, "\xC3\xA5\xC3\xA5\xC3\xA5\xC3\xA5");
	cr_assert(validate_utf8(path, strlen(path)));
	json_decref(v);
}
