/*
 * The error table and the SQLSTATE mapping.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <string.h>

#include "error.h"

struct sqlstate_case {
	char state[8]; /* inline: Criterion re-executes the binary, so no pointers */
	enum svk_err err;
};

ParameterizedTestParameters(error, sqlstate)
{
	static struct sqlstate_case cases[] = {
		{ "23505", SVK_ERR_CONFLICT },    { "22P02", SVK_ERR_VALIDATION },
		{ "23502", SVK_ERR_VALIDATION },  { "23514", SVK_ERR_VALIDATION },
		{ "40001", SVK_ERR_UNAVAILABLE }, { "40P01", SVK_ERR_UNAVAILABLE },
		{ "08006", SVK_ERR_UNAVAILABLE }, { "08001", SVK_ERR_UNAVAILABLE },
		{ "SV403", SVK_ERR_FORBIDDEN },   { "SV404", SVK_ERR_NOT_FOUND },
		{ "SV409", SVK_ERR_CONFLICT },    { "SV412", SVK_ERR_PRECONDITION_FAILED },
		{ "SV422", SVK_ERR_VALIDATION },  { "SV429", SVK_ERR_RATE_LIMITED },
		{ "SV503", SVK_ERR_UNAVAILABLE }, { "42P01", SVK_ERR_INTERNAL },
		{ "XX000", SVK_ERR_INTERNAL },    { "", SVK_ERR_INTERNAL },
		{ "2350", SVK_ERR_INTERNAL },
	};
	return cr_make_param_array(struct sqlstate_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct sqlstate_case *c, error, sqlstate, table_none, table_none)
{
	cr_assert_eq(svk_err_from_sqlstate(c->state), c->err, "sqlstate %s", c->state);
}

Test(error, null_sqlstate_is_internal)
{
	cr_assert_eq(svk_err_from_sqlstate(NULL), SVK_ERR_INTERNAL);
}

Test(error, table_is_complete)
{
	for (int e = 1; e < SVK_ERR__COUNT; e++) {
		const struct svk_err_info *i = svk_err_info((enum svk_err)e);
		cr_assert(i->status >= 400 && i->status < 600, "status of %d", e);
		cr_assert(i->code && i->code[0], "code of %d", e);
		cr_assert(i->title && i->title[0], "title of %d", e);
	}
	cr_assert_str_eq(svk_err_info(SVK_ERR_VALIDATION)->code, "validation");
	cr_assert_eq(svk_err_info(SVK_ERR_VALIDATION)->status, 422);
	cr_assert_str_eq(svk_err_info(SVK_ERR__COUNT)->code, "internal");
}

Test(error, only_sv_class_is_ours)
{
	cr_assert(svk_sqlstate_is_ours("SV422"));
	cr_assert_not(svk_sqlstate_is_ours("23505"));
	cr_assert_not(svk_sqlstate_is_ours(NULL));
}
