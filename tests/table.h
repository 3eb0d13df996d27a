/* Table tests: the rows of a ParameterizedTestParameters table run one
 * after the other in one test process, each between the table's own init
 * and fini. Criterion runs every test in a process of its own, which costs
 * tens of milliseconds (much more under AddressSanitizer); a table of a
 * hundred rows run as a hundred tests cost seconds for microseconds of
 * work. A failing row stops the table and is named by its number.
 *
 *   TableTest(struct row *c, suite, name, row_init, row_fini[, .init = …])
 *
 * row_init and row_fini (table_none: nothing) run around every row; the
 * options after them are the test's own (an integration table starts its
 * daemon once, with .init, for rows that store nothing). */
#ifndef SVK_TESTS_TABLE_H
#define SVK_TESTS_TABLE_H

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <criterion/parameterized.h>
#include <stddef.h>

static inline void table_none(void)
{
}

#define TABLE_ID_(Suite, Name, What) table_##Suite##_##Name##_##What

#define TableTest(Param, Suite, Name, Init, Fini, ...)                                       \
	static void TABLE_ID_(Suite, Name, row)(Param);                                      \
	static size_t TABLE_ID_(Suite, Name, at), TABLE_ID_(Suite, Name, rows);              \
	static void TABLE_ID_(Suite, Name, report)(void)                                     \
	{                                                                                    \
		if (TABLE_ID_(Suite, Name, at) < TABLE_ID_(Suite, Name, rows))               \
			cr_log_error("row %zu of %zu (counting from 1) failed",              \
				     TABLE_ID_(Suite, Name, at) + 1,                         \
				     TABLE_ID_(Suite, Name, rows));                          \
	}                                                                                    \
	Test(Suite, Name, .fini = TABLE_ID_(Suite, Name, report) __VA_OPT__(, ) __VA_ARGS__) \
	{                                                                                    \
		struct criterion_test_params p = CR_IDENTIFIER_(Suite, Name, param)();       \
                                                                                             \
		TABLE_ID_(Suite, Name, rows) = p.length;                                     \
		for (TABLE_ID_(Suite, Name, at) = 0; TABLE_ID_(Suite, Name, at) < p.length;  \
		     TABLE_ID_(Suite, Name, at)++) {                                         \
			Init();                                                              \
			TABLE_ID_(Suite, Name, row)                                          \
			((void *)((char *)p.params + TABLE_ID_(Suite, Name, at) * p.size));  \
			Fini();                                                              \
		}                                                                            \
	}                                                                                    \
	static void TABLE_ID_(Suite, Name, row)(Param)

#endif
