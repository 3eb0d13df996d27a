/*
 * Log lines: every string value is escaped so that nothing a client sends
 * (a request path, a request id, a database message quoting its input)
 * can end the line and start a forged one, or add keys; numbers are
 * formatted as printf formats them; a long line is cut without leaving
 * half an escape.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include "../../table.h"
#include <criterion/redirect.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

struct esc_case {
	char value[64]; /* inline: Criterion re-executes the binary, so no pointers */
	bool quoted;    /* formatted as k="%s", else as k=%s */
	char out[160];
};

ParameterizedTestParameters(log, escapes_values)
{
	static struct esc_case cases[] = {
		{ "/v1/users", true, "k=\"/v1/users\"" },
		{ "Upplands Väsby", true, "k=\"Upplands Väsby\"" },
		{ "", true, "k=\"\"" },
		{ "a\r\nlevel=error msg=forged", true, "k=\"a\\r\\nlevel=error msg=forged\"" },
		{ "a\nb", false, "k=a\\nb" },
		{ "say \"hi\" x=\"1", true, "k=\"say \\\"hi\\\" x=\\\"1\"" },
		{ "back\\slash", true, "k=\"back\\\\slash\"" },
		{ "tab\there", true, "k=\"tab\\there\"" },
		{ "\x1b[31mred\x1b[0m", true, "k=\"\\x1b[31mred\\x1b[0m\"" },
		{ "bell\x07 del\x7f", true, "k=\"bell\\x07 del\\x7f\"" },
		{ "nel\xc2\x85"
		  "x",
		  true, "k=\"nel\\u0085x\"" },
		{ "c1\xc2\x9b", true, "k=\"c1\\u009b\"" },
		{ "ls\u2028ps\u2029", true, "k=\"ls\\u2028ps\\u2029\"" },
		{ "en\u2013dash \u00e4", true, "k=\"en\u2013dash \u00e4\"" },
		/* Without quotes a space would start another key. */
		{ "bo user=admin", false, "k=bo\\x20user=admin" },
		{ "bo\"x", false, "k=bo\\\"x" },
		{ "plain-id_1.2", false, "k=plain-id_1.2" },
	};
	return cr_make_param_array(struct esc_case, cases, sizeof cases / sizeof cases[0]);
}

TableTest(struct esc_case *c, log, escapes_values, table_none, table_none)
{
	char buf[256];

	if (c->quoted)
		log_format(buf, sizeof buf, "k=\"%s\"", c->value);
	else
		log_format(buf, sizeof buf, "k=%s", c->value);
	cr_assert_str_eq(buf, c->out, "value [%s]", c->value);
}

/* Each conversion the daemon's log calls use, compared with printf. */
Test(log, numbers_as_printf_formats_them)
{
	char got[256], want[256];
	size_t z = 42;
	long long ll = -1234567890123LL;

	log_format(got, sizeof got,
		   "a=%d b=%5d c=%-4d| d=%03ld e=%.2f f=%zu g=%lld h=%x i=%u j=%% "
		   "k=%.3ld l=%*d m=%.*f n=%jd o=%g p=%c",
		   -7, 12, 3, 9L, 1.005, z, ll, 255u, 4000000000u, 5L, 6, 8, 2, 3.14159,
		   (intmax_t)-1, 0.5, 'x');
	snprintf(want, sizeof want,
		 "a=%d b=%5d c=%-4d| d=%03ld e=%.2f f=%zu g=%lld h=%x i=%u j=%% "
		 "k=%.3ld l=%*d m=%.*f n=%jd o=%g p=%c",
		 -7, 12, 3, 9L, 1.005, z, ll, 255u, 4000000000u, 5L, 6, 8, 2, 3.14159, (intmax_t)-1,
		 0.5, 'x');
	cr_assert_str_eq(got, want);
}

Test(log, the_request_line_of_a_forged_path)
{
	char buf[512];
	const char *path = "/v1/x\r\n2026-12-04T05:00:00.000Z level=info msg=request id=x "
			   "path=\"/v1/admin\" status=200 user=admin";

	log_format(buf, sizeof buf,
		   "msg=request id=%s method=%s path=\"%.200s\" status=%d ms=%.2f user=%s addr=%s",
		   "abc", "GET", path, 404, 1.5, "-", "127.0.0.1");
	cr_assert_str_eq(buf,
			 "msg=request id=abc method=GET path=\"/v1/x\\r\\n2026-12-04T05:00:00.000Z "
			 "level=info msg=request id=x path=\\\"/v1/admin\\\" status=200 "
			 "user=admin\" status=404 ms=1.50 user=- addr=127.0.0.1");
	cr_assert_null(strchr(buf, '\n'));
	cr_assert_null(strchr(buf, '\r'));
}

Test(log, precision_caps_bytes_without_cutting_a_character)
{
	static const char unterminated[3] = { 'a', 'b', 'c' };
	char buf[64];

	log_format(buf, sizeof buf, "k=\"%.3s\"", "abcdef");
	cr_assert_str_eq(buf, "k=\"abc\"");
	/* "aä" is 3 bytes; 2 would cut the ä in half. */
	log_format(buf, sizeof buf, "k=\"%.2s\"", "a\u00e4b");
	cr_assert_str_eq(buf, "k=\"a\"");
	log_format(buf, sizeof buf, "k=\"%.*s\"", 3, "a\u00e4b");
	cr_assert_str_eq(buf, "k=\"a\u00e4\"");
	log_format(buf, sizeof buf, "k=\"%.4s\"", "a\u20ac");
	cr_assert_str_eq(buf, "k=\"a\u20ac\"");
	log_format(buf, sizeof buf, "k=\"%.3s\"", "a\u20ac");
	cr_assert_str_eq(buf, "k=\"a\"");
	/* With a precision the value need not be terminated. */
	log_format(buf, sizeof buf, "k=\"%.3s\"", unterminated);
	cr_assert_str_eq(buf, "k=\"abc\"");
	/* The cap is on the value's bytes: escapes may make it longer. */
	log_format(buf, sizeof buf, "k=\"%.2s\"", "\n\nxx");
	cr_assert_str_eq(buf, "k=\"\\n\\n\"");
}

Test(log, a_full_line_is_cut_between_escapes)
{
	char buf[8];
	size_t n;

	/* 7 bytes usable: "k=abcd" is 6, "\\n" would need 2 more. */
	n = log_format(buf, sizeof buf, "k=ab%s", "cd\n");
	cr_assert_str_eq(buf, "k=abcd");
	cr_assert_eq(n, 6);
	n = log_format(buf, sizeof buf, "k=%s", "\n\n\n\n");
	cr_assert_str_eq(buf, "k=\\n\\n");
	cr_assert_eq(n, 6);
	n = log_format(buf, 1, "k=%s", "x");
	cr_assert_str_eq(buf, "");
	cr_assert_eq(n, 0);
}

Test(log, one_line_on_stderr, .init = cr_redirect_stderr)
{
	struct log l = { LOG_INFO };
	char out[1024];
	size_t n;
	FILE *f;

	log_info(&l, "msg=request path=\"%s\"", "/a\r\nlevel=error msg=\"forged\"\n");
	log_debug(&l, "msg=\"not shown\"");
	fflush(stderr);
	f = cr_get_redirected_stderr();
	n = fread(out, 1, sizeof out - 1, f);
	out[n] = '\0';
	cr_assert(n > 0);
	cr_assert_eq(strchr(out, '\n'), out + n - 1, "one line: %s", out);
	cr_assert(strstr(out, " level=info msg=request path=\"/a\\r\\nlevel=error "
			      "msg=\\\"forged\\\"\\n\"\n"),
		  "%s", out);
}
