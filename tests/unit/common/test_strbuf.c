/*
 * The capped growable buffer.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

Test(strbuf, grows_and_terminates)
{
	struct strbuf sb;

	strbuf_init(&sb, 0);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(strbuf_printf(&sb, "%d;", i), 0);
	cr_assert_eq(strncmp(sb.data, "0;1;2;", 6), 0);
	cr_assert_eq(sb.data[sb.len], '\0');
	cr_assert_eq(strlen(sb.data), sb.len);
	strbuf_cleanup(&sb);
}

Test(strbuf, refuses_past_limit_and_keeps_content)
{
	struct strbuf sb;

	strbuf_init(&sb, 8);
	cr_assert_eq(strbuf_puts(&sb, "12345678"), 0);
	cr_assert_eq(strbuf_puts(&sb, "9"), -1);
	cr_assert_eq(strbuf_printf(&sb, "%s", "x"), -1);
	cr_assert_str_eq(sb.data, "12345678");
	strbuf_cleanup(&sb);
}

Test(strbuf, steal_hands_over)
{
	struct strbuf sb;
	char *s;

	strbuf_init(&sb, 0);
	s = strbuf_steal(&sb);
	cr_assert_str_eq(s, "");
	free(s);
	cr_assert_eq(strbuf_puts(&sb, "abc"), 0);
	s = strbuf_steal(&sb);
	cr_assert_str_eq(s, "abc");
	cr_assert_null(sb.data);
	free(s);
}
